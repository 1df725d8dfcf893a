import type { ResolvedSettings } from "../config/resolve-settings.ts";
import type { RetryPolicy } from "../config/router-settings.ts";
import type { Deployment } from "../deployments/deployment.ts";
import { toNumber } from "../util/to-number.ts";
import type { ErrorClass } from "./error-class.ts";
import { POLICY_LOOKUP } from "./error-class.ts";

/**
 * How many retries an error allows, LiteLLM's precedence: the group's retry policy (else the
 * global one) for the error class wins, then the failing deployment's num_retries, then the
 * request's, then router num_retries.
 */
export function retriesFor(
  errorClass: ErrorClass,
  group: string,
  deployment: Deployment | undefined,
  requestRetries: number | undefined,
  settings: ResolvedSettings,
): number {
  const policy = settings.groupRetryPolicy[group] ?? settings.retryPolicy;
  const fromPolicy = policy === undefined ? undefined : policyRetries(policy, errorClass);
  if (fromPolicy !== undefined) return fromPolicy;
  return deployment?.numRetries ?? requestRetries ?? settings.numRetries;
}

/** Whether a retry policy names this error class at all (it then overrides retryability). */
export function policyRetries(policy: RetryPolicy, errorClass: ErrorClass): number | undefined {
  const record = policy as Record<string, unknown>;
  for (const name of POLICY_LOOKUP[errorClass]) {
    const value = toNumber(record[`${name}Retries`]);
    if (value !== undefined) return Math.max(0, Math.floor(value));
  }
  return undefined;
}
