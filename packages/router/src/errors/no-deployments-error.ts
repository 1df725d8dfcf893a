import { RateLimitError } from "@org/core";

export type NoDeploymentsReason = "cooldown" | "rate_limit" | "mixed";

/**
 * Every deployment of a group is cooling down or at its rpm/tpm limit. A 429 (LiteLLM's
 * RouterRateLimitError) naming the group, saying why and when it recovers, with Retry-After.
 */
export class NoDeploymentsAvailableError extends RateLimitError {
  readonly modelGroup: string;
  readonly reason: NoDeploymentsReason;
  /** When the first deployment frees up (ms epoch). */
  readonly retryAt: number;

  constructor(modelGroup: string, reason: NoDeploymentsReason, retryAt: number, now: number) {
    const waitMs = Math.max(0, retryAt - now);
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const why =
      reason === "cooldown"
        ? "every deployment is cooling down after failures"
        : reason === "rate_limit"
          ? "every deployment is at its rpm/tpm limit"
          : "every deployment is cooling down or at its rpm/tpm limit";
    super(
      `No deployments available for model group "${modelGroup}": ${why}. Try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
      {
        code: "no_deployments_available",
        retryAfterMs: waitMs,
        headers: { "retry-after": String(seconds) },
      },
    );
    this.modelGroup = modelGroup;
    this.reason = reason;
    this.retryAt = retryAt;
  }
}
