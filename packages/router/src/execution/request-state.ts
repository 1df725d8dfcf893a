import type { RequestContext } from "../context/request-context.ts";
import type { Deployment } from "../deployments/deployment.ts";
import type { FallbackMap } from "../fallbacks/fallback-map.ts";

/** The router's private bookkeeping for one request, beside the public context. */
export interface RequestState {
  readonly ctx: RequestContext;
  /** Estimated input tokens (ctx.estimate.promptTokens). */
  readonly tokens: number;
  /** The request's own `num_retries`, if any. */
  readonly requestRetries: number | undefined;
  readonly fallbacks: FallbackMap;
  readonly contextWindowFallbacks: FallbackMap;
  readonly contentPolicyFallbacks: FallbackMap;
  readonly disableFallbacks: boolean;
  /**
   * The deployment that answered, or whose call the client left before any answer (the prompt
   * reached it and is charged): for its price.
   */
  answeredBy: Deployment | undefined;
  /** Set once the post-call hook ran. */
  finished: boolean;
  /** Resolves once the post-call hook's work is done (the result's `settled`). */
  readonly settled: Promise<void>;
  /** Resolves `settled`; called by the router's finish, exactly once. */
  readonly markSettled: () => void;
}
