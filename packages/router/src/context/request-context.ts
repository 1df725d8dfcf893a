import type { AbortLike, ChatCompletionRequest, EmbeddingRequest } from "@org/core";
import type { ErrorClass } from "../retry/error-class.ts";

/** Which deployment answered (or was last tried); what the `x-litellm-model-*` headers show. */
export interface DeploymentRef {
  readonly id: string;
  /** The model group that answered: the requested one, or the fallback group. */
  readonly modelGroup: string;
  /** "provider/model" as sent upstream. */
  readonly model: string;
  readonly provider: string;
  /** api_base without credentials, when configured. */
  readonly apiBase?: string;
}

/** One try of one deployment. */
export interface AttemptRecord {
  readonly deploymentId: string;
  readonly modelGroup: string;
  readonly startedAt: number;
  durationMs: number;
  outcome: "success" | "failure" | "cancelled";
  errorClass?: ErrorClass;
  /** Status of the error (the upstream's when it came from a provider). */
  status?: number;
  /** Redacted error message. */
  message?: string;
  /** Set when this failure put the deployment into cooldown. */
  cooldownUntil?: number;
}

export interface RequestTimings {
  readonly start: number;
  /** First chunk of a stream (or the response of a non-streamed call). */
  firstToken?: number;
  end?: number;
}

/** Computed before the call, for budget reservations. */
export interface CostEstimate {
  /** From `countTokens` (default: characters / 4). */
  readonly promptTokens: number;
  /** The largest output bound over the deployments the request may reach; 0 for embeddings. */
  readonly maxOutputTokens: number | undefined;
  /** Upper bound in USD over the deployments it may reach (fallbacks too); undefined: no price. */
  readonly maxCost: number | undefined;
}

/** What a caller hangs on its requests for its hooks, untyped (a Router without a metadata type). */
export type RequestMetadata = Readonly<Record<string, unknown>>;

/**
 * Everything known about one request, from before routing to the end of the (streamed) answer.
 * Hooks receive it; the gateway's logs, metrics and headers read it. The router fills in
 * `deployment`, `attempts`, `fallbacksTaken` and `timings` as it goes. `M` is the caller's
 * metadata type (`Router<M>`), so hooks read it typed.
 */
export interface RequestContext<M extends RequestMetadata = RequestMetadata> {
  readonly callId: string;
  readonly kind: "chat" | "embedding";
  /** The model the client asked for. */
  readonly requestedModel: string;
  /** The group it resolved to (after alias). */
  readonly modelGroup: string;
  readonly request: ChatCompletionRequest | EmbeddingRequest;
  readonly stream: boolean;
  /** The caller's metadata (identity, key, team ...), passed through untouched; `{}` when none. */
  readonly metadata: Partial<M>;
  readonly timings: RequestTimings;
  deployment: DeploymentRef | undefined;
  readonly attempts: AttemptRecord[];
  /** Fallback groups tried, in order. */
  readonly fallbacksTaken: string[];
  /**
   * Retries made so far, over every group: what `x-litellm-attempted-retries` says, and the one
   * count the spend log and the observability event take (a fallback is not a retry).
   */
  retries: number;
  /**
   * Every fallback the request body names (`fallbacks`, `context_window_fallbacks`,
   * `content_policy_fallbacks`), with the group each resolves to: the caller picked them, so the
   * budget hooks check a key's access to each before anything runs, as LiteLLM does.
   */
  readonly requestFallbacks?: readonly { readonly model: string; readonly group?: string }[];
  estimate: CostEstimate;
  /** True when a pre-call hook answered (cache hit): no upstream call was made. */
  cacheHit: boolean;
  /**
   * USD charged, once the request finished and the answering deployment's price is known (0 for
   * a cache hit). Unset while a stream runs.
   */
  cost?: number;
  readonly signal: AbortLike | undefined;
}
