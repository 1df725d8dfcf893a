import type { GatewayError } from "@org/core";
import type { ResolvedSettings } from "../config/resolve-settings.ts";
import type { Deployment } from "../deployments/deployment.ts";
import type { ErrorClass } from "../retry/error-class.ts";
import { POLICY_LOOKUP, statusOf } from "../retry/error-class.ts";
import type { FailureMode } from "../state/state-store.ts";
import { toNumber } from "../util/to-number.ts";

/** Statuses that cool a deployment down at once: its key, model or capacity is the problem. */
const IMMEDIATE = new Set([401, 404, 408, 429]);
/** An upstream asking for more than this does not hold a deployment out longer. */
const MAX_RETRY_AFTER_COOLDOWN_MS = 3_600_000;

export interface FailureAccounting {
  readonly mode: FailureMode;
  readonly allowedFails: number;
  readonly cooldownMs: number;
}

/** Statuses that cool down at once even a group's only deployment: another try cannot help. */
const NOT_RETRYABLE = new Set([401, 404]);

/**
 * How a failed attempt counts against its deployment.
 *
 * - An `allowed_fails_policy` entry for the error class: counted, cooldown past that many
 *   failures in a minute.
 * - 401, 404: immediate cooldown.
 * - Other 4xx but 408 and 429: the request's fault, not counted.
 * - A group's only deployment, unless allowed_fails or allowed_fails_policy is configured: not
 *   counted (LiteLLM's default rules: cooling it down would leave the group nothing to route to,
 *   so its retries go to the same deployment and then to the fallbacks).
 * - 429, 408 (timeouts): immediate cooldown.
 * - Everything else (5xx, connection errors): counted, cooldown past `allowed_fails` a minute.
 *
 * Cooldown length: the deployment's cooldown_time, else a 429's retry-after, else router
 * cooldown_time.
 */
export function failureAccounting(
  error: GatewayError,
  errorClass: ErrorClass,
  deployment: Deployment,
  settings: ResolvedSettings,
  /** Deployments in the group the attempt ran in. */
  groupSize: number,
): FailureAccounting {
  const status = statusOf(error);
  const cooldownMs =
    deployment.cooldownMs ??
    (status === 429 && error.retryAfterMs !== undefined && error.retryAfterMs > 0
      ? Math.min(error.retryAfterMs, MAX_RETRY_AFTER_COOLDOWN_MS)
      : settings.cooldownMs);
  if (settings.disableCooldowns) return { mode: "none", allowedFails: 0, cooldownMs };
  const fromPolicy = policyAllowedFails(settings, errorClass);
  if (fromPolicy !== undefined) return { mode: "count", allowedFails: fromPolicy, cooldownMs };
  if (NOT_RETRYABLE.has(status)) return { mode: "immediate", allowedFails: 0, cooldownMs };
  if (status >= 400 && status < 500 && !IMMEDIATE.has(status)) {
    return { mode: "none", allowedFails: 0, cooldownMs };
  }
  const spareSingle =
    groupSize <= 1 && !settings.allowedFailsConfigured && settings.allowedFailsPolicy === undefined;
  if (spareSingle) return { mode: "none", allowedFails: 0, cooldownMs };
  if (IMMEDIATE.has(status)) return { mode: "immediate", allowedFails: 0, cooldownMs };
  return { mode: "count", allowedFails: settings.allowedFails, cooldownMs };
}

function policyAllowedFails(
  settings: ResolvedSettings,
  errorClass: ErrorClass,
): number | undefined {
  const policy = settings.allowedFailsPolicy as Record<string, unknown> | undefined;
  if (policy === undefined) return undefined;
  for (const name of POLICY_LOOKUP[errorClass]) {
    const value = toNumber(policy[`${name}AllowedFails`]);
    if (value !== undefined) return Math.max(0, value);
  }
  return undefined;
}
