import type { FallbackConfig } from "../config/router-settings.ts";
import { toNumber } from "../util/to-number.ts";

/** Request-body keys that steer the router (LiteLLM's) and must not reach the provider. */
const ROUTER_PARAMS = [
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
  "num_retries",
  "disable_fallbacks",
] as const;

export interface RouterParams {
  readonly fallbacks?: FallbackConfig | string[];
  readonly contextWindowFallbacks?: FallbackConfig | string[];
  readonly contentPolicyFallbacks?: FallbackConfig | string[];
  readonly numRetries?: number;
  readonly disableFallbacks: boolean;
}

/**
 * Splits the router's own keys off a request body. The common case (none present) returns the
 * request itself: no copy on the hot path.
 */
export function splitRouterParams<T extends object>(
  request: T,
): { request: T; params: RouterParams } {
  let present = false;
  for (const key of ROUTER_PARAMS) {
    if (key in request) {
      present = true;
      break;
    }
  }
  if (!present) return { request, params: { disableFallbacks: false } };
  const body = request as Record<string, unknown>;
  const numRetries = toNumber(body.num_retries);
  const params: RouterParams = {
    ...(isFallbacks(body.fallbacks) ? { fallbacks: body.fallbacks } : {}),
    ...(isFallbacks(body.context_window_fallbacks)
      ? { contextWindowFallbacks: body.context_window_fallbacks }
      : {}),
    ...(isFallbacks(body.content_policy_fallbacks)
      ? { contentPolicyFallbacks: body.content_policy_fallbacks }
      : {}),
    ...(numRetries === undefined ? {} : { numRetries: Math.max(0, Math.floor(numRetries)) }),
    disableFallbacks: body.disable_fallbacks === true,
  };
  const copy: Record<string, unknown> = { ...body };
  for (const key of ROUTER_PARAMS) delete copy[key];
  return { request: copy as T, params };
}

function isFallbacks(value: unknown): value is FallbackConfig | string[] {
  return Array.isArray(value) || (value !== null && typeof value === "object");
}
