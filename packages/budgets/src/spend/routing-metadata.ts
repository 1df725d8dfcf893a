import type { BudgetHookAttempt } from "../hooks/hook-types.ts";

/** At most this many failed attempts (and fallback groups) are kept per spend log. */
export const MAX_ROUTING_ENTRIES = 10;
/** Deployment ids and group names are the operator's, but a row must stay small whatever they are. */
const MAX_NAME_CHARS = 200;

/** One failed try, as the spend log keeps it: where it ran and how it failed, never its message. */
export interface FailedAttemptEntry {
  readonly model_id: string;
  readonly model_group: string;
  /** LiteLLM's exception name: "RateLimitError", "InternalServerError", ... */
  readonly error_class: string;
  readonly status_code?: number;
}

/**
 * What the router did for one request, in the spend log's metadata. `attempted_retries`,
 * `attempted_fallbacks` (a count, as LiteLLM's `x-litellm-attempted-fallbacks` header and spend
 * log metadata have it) and `original_model_group` are LiteLLM's names; `fallback_chain` (the
 * groups tried after the requested one, in order) and `failed_attempts` are ours, for the
 * dashboard's request detail.
 */
export interface RoutingMetadata {
  readonly attempted_retries: number;
  readonly attempted_fallbacks: number;
  readonly original_model_group: string;
  readonly fallback_chain?: readonly string[];
  readonly failed_attempts?: readonly FailedAttemptEntry[];
  /** Failed attempts beyond the first MAX_ROUTING_ENTRIES, counted but not listed. */
  readonly failed_attempts_omitted?: number;
}

const short = (text: string) =>
  text.length > MAX_NAME_CHARS ? `${text.slice(0, MAX_NAME_CHARS)}...` : text;

/**
 * The router's attempts and fallbacks as spend-log metadata. Retries are the router's own count
 * (its `x-litellm-attempted-retries`: a fallback is not a retry); the error message is left out,
 * since it may quote the upstream's answer.
 */
export function routingMetadata(ctx: {
  readonly modelGroup: string;
  readonly attempts?: readonly BudgetHookAttempt[];
  readonly fallbacksTaken?: readonly string[];
  readonly retries?: number;
}): RoutingMetadata {
  const attempts = ctx.attempts ?? [];
  const fallbacks = ctx.fallbacksTaken ?? [];
  const failed = attempts.filter((a) => a.outcome === "failure");
  const listed = failed.slice(0, MAX_ROUTING_ENTRIES).map((a): FailedAttemptEntry => ({
    model_id: short(a.deploymentId),
    model_group: short(a.modelGroup),
    error_class: short(a.errorClass ?? "UnknownError"),
    ...(a.status === undefined ? {} : { status_code: a.status }),
  }));
  return {
    attempted_retries: ctx.retries ?? 0,
    attempted_fallbacks: fallbacks.length,
    original_model_group: short(ctx.modelGroup),
    ...(fallbacks.length > 0
      ? { fallback_chain: fallbacks.slice(0, MAX_ROUTING_ENTRIES).map(short) }
      : {}),
    ...(listed.length > 0 ? { failed_attempts: listed } : {}),
    ...(failed.length > listed.length
      ? { failed_attempts_omitted: failed.length - listed.length }
      : {}),
  };
}
