import type { AuthIdentity } from "../keys/identity.ts";

/**
 * The parts of `@org/router`'s RequestContext and PostCallOutcome the budget hooks read. Declared
 * here (structurally identical) so this package does not depend on the router; a test checks
 * that `createBudgetHooks` satisfies the router's `RouterHooks`.
 */
/**
 * The metadata the budget hooks read, typed: the gateway builds its router as
 * `Router<BudgetRequestMetadata>` and passes it with each call, so the identity arrives as the
 * authenticator resolved it (no cast back). A type alias, so it satisfies the router's
 * `RequestMetadata` (a record).
 */
export type BudgetRequestMetadata = {
  /** Who is calling (the master key or a virtual key); none: the hooks let the call through. */
  readonly identity?: AuthIdentity;
  /** The client's `x-litellm-call-id`, kept in the spend log as `litellm_call_id`. */
  readonly clientCallId?: string;
  /** LiteLLM's call type for the spend log; by default `acompletion` / `aembedding`. */
  readonly call_type?: string;
};

export interface BudgetHookContext {
  readonly callId: string;
  readonly kind: "chat" | "embedding";
  readonly requestedModel: string;
  readonly modelGroup: string;
  readonly request: { readonly model: string; readonly user?: string | null | undefined };
  readonly stream: boolean;
  /** What the gateway hangs on the request for these hooks (`Router<BudgetRequestMetadata>`). */
  readonly metadata: BudgetRequestMetadata;
  readonly timings: { readonly start: number; readonly firstToken?: number; readonly end?: number };
  readonly deployment:
    | {
        readonly id: string;
        readonly modelGroup: string;
        readonly model: string;
        readonly provider: string;
        readonly apiBase?: string;
      }
    | undefined;
  readonly estimate: {
    readonly promptTokens: number;
    readonly maxOutputTokens: number | undefined;
    readonly maxCost: number | undefined;
  };
  readonly cacheHit: boolean;
  /** Fallbacks the request body names, with their groups: access-checked like `model`. */
  readonly requestFallbacks?: readonly { readonly model: string; readonly group?: string }[];
  /** Every try of a deployment, in order (the router's); kept in the spend log's metadata. */
  readonly attempts?: readonly BudgetHookAttempt[];
  /** The fallback groups tried after the requested one, in order (the router's). */
  readonly fallbacksTaken?: readonly string[];
  /** Retries the router made, over every group (its `x-litellm-attempted-retries`). */
  readonly retries?: number;
}

/** The parts of the router's AttemptRecord the spend log keeps (never its error message). */
export interface BudgetHookAttempt {
  readonly deploymentId: string;
  readonly modelGroup: string;
  readonly outcome: "success" | "failure" | "cancelled";
  /** LiteLLM's exception name ("RateLimitError", "InternalServerError", ...). */
  readonly errorClass?: string;
  /** The error's status (the upstream's when it came from a provider). */
  readonly status?: number;
}

export interface BudgetHookOutcome {
  readonly status: "success" | "failure";
  readonly usage?: {
    readonly prompt_tokens: number;
    readonly completion_tokens?: number;
    readonly total_tokens: number;
  };
  readonly cost?: number;
  readonly error?: { readonly status: number; readonly type: string; readonly message: string };
  readonly partial?: boolean;
}
