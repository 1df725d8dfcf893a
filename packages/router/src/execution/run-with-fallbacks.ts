import type { GatewayError } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { FallbackMap } from "../fallbacks/fallback-map.ts";
import { EMPTY_FALLBACKS } from "../fallbacks/fallback-map.ts";
import { fallbacksFor } from "../fallbacks/fallback-map.ts";
import { classifyError } from "../retry/error-class.ts";
import type { RequestState } from "./request-state.ts";
import type { RunAttempt } from "./run-group.ts";
import { resolveGroup, runGroup } from "./run-group.ts";
import type { Runtime } from "./runtime.ts";

/**
 * A group with retries, then its fallbacks when that fails (LiteLLM's
 * async_function_with_fallbacks):
 *
 * - a context-window error goes to `context_window_fallbacks` only, a content-policy error to
 *   `content_policy_fallbacks` only;
 * - any other error after retries goes to `fallbacks`, except a malformed request (a 400):
 *   another model would reject it too;
 * - each fallback group runs with its own retries and, in turn, its own fallbacks, up to
 *   `max_fallbacks` deep; a group already tried in this request is not tried again.
 */
export async function runWithFallbacks<T>(
  rt: Runtime,
  state: RequestState,
  groupName: string,
  run: RunAttempt<T>,
  depth = 0,
  visited: Set<string> = new Set([groupName]),
): Promise<T> {
  try {
    return await runGroup(rt, state, resolveGroup(rt, groupName), run);
  } catch (thrown) {
    const error = toGatewayError(thrown);
    if (error instanceof ClientClosedError || state.disableFallbacks) throw error;
    const targets = fallbacksFor(mapFor(state, error), groupName);
    if (targets === undefined || depth >= rt.settings.maxFallbacks) throw error;
    let last: GatewayError = error;
    for (const target of targets) {
      if (visited.has(target)) continue;
      visited.add(target);
      if (!rt.table.has(target)) {
        rt.logger.warn("router: fallback group does not exist", {
          request_id: state.ctx.callId,
          from: groupName,
          to: target,
        });
        continue;
      }
      state.ctx.fallbacksTaken.push(target);
      rt.logger.info("router: falling back", {
        request_id: state.ctx.callId,
        from: groupName,
        to: target,
        errorClass: classifyError(error),
      });
      try {
        return await runWithFallbacks(rt, state, target, run, depth + 1, visited);
      } catch (fallbackError) {
        last = toGatewayError(fallbackError);
        if (last instanceof ClientClosedError) throw last;
      }
    }
    throw last;
  }
}

function mapFor(state: RequestState, error: GatewayError): FallbackMap {
  const errorClass = classifyError(error);
  if (errorClass === "ContextWindowExceededError") return state.contextWindowFallbacks;
  if (errorClass === "ContentPolicyViolationError") return state.contentPolicyFallbacks;
  if (errorClass === "BadRequestError") return EMPTY_FALLBACKS;
  return state.fallbacks;
}
