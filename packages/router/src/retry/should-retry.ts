import type { GatewayError } from "@org/core";
import type { ErrorClass } from "./error-class.ts";

export interface RetryDecisionInput {
  readonly error: GatewayError;
  readonly errorClass: ErrorClass;
  /** Deployments of the group neither cooling down nor at a limit, as this instance sees them. */
  readonly healthy: number;
  /** Of those, the ones this request has not tried yet. */
  readonly healthyUntried: number;
  /** The retry policy names this error class: it then decides on its own (LiteLLM). */
  readonly policyApplies: boolean;
  readonly hasContextWindowFallbacks: boolean;
  readonly hasContentPolicyFallbacks: boolean;
}

/** Classes that are the request's fault: another try cannot succeed. */
const NON_RETRYABLE: ReadonlySet<ErrorClass> = new Set([
  "BadRequestError",
  "AuthenticationError",
  "PermissionDeniedError",
  "NotFoundError",
  "ContentPolicyViolationError",
]);

/**
 * Whether a failed attempt is tried again within its group (the count is `retriesFor`'s).
 * LiteLLM's rules: an error with its own fallback list goes there at once; a retry policy entry
 * for the class overrides the rest; otherwise client errors are not retried, and nothing is
 * retried when the group has no healthy deployment left (fallbacks take over).
 */
export function shouldRetry(input: RetryDecisionInput): boolean {
  const { errorClass, error } = input;
  if (errorClass === "ContextWindowExceededError") {
    // Another deployment of the group may have a larger window; the same one will not.
    return !input.hasContextWindowFallbacks && input.healthyUntried > 0;
  }
  if (errorClass === "ContentPolicyViolationError" && input.hasContentPolicyFallbacks) return false;
  if (input.policyApplies) return true;
  if (NON_RETRYABLE.has(errorClass)) return false;
  if (errorClass !== "RateLimitError" && errorClass !== "TimeoutError" && !error.retryable) {
    return false;
  }
  return input.healthy > 0;
}
