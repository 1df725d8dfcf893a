/**
 * The parts of `@org/router`'s RequestContext and PostCallOutcome the budget hooks read. Declared
 * here (structurally identical) so this package does not depend on the router; a test checks
 * that `createBudgetHooks` satisfies the router's `RouterHooks`.
 */
export interface BudgetHookContext {
  readonly callId: string;
  readonly kind: "chat" | "embedding";
  readonly requestedModel: string;
  readonly modelGroup: string;
  readonly request: { readonly model: string; readonly user?: string | null | undefined };
  readonly stream: boolean;
  /** The gateway puts the caller's identity here (`metadata.identity`). */
  readonly metadata: Record<string, unknown>;
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
