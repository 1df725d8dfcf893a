import type { DeploymentRef } from "../context/request-context.ts";
import { routerHeaders } from "../headers/router-headers.ts";
import type { RouterResultMeta } from "../router.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

/** A pre-call answer stands in for this deployment. */
const CACHE_REF_ID = "cache";

/** The `settled` promise of one request and the function that resolves it. */
export function settlement(): Pick<RequestState, "settled" | "markSettled"> {
  let markSettled!: () => void;
  const settled = new Promise<void>((resolve) => {
    markSettled = () => resolve();
  });
  return { settled, markSettled };
}

/** The call's own result plus what the router knows of it (RouterResultMeta). */
export function decorate<T extends object>(
  rt: Runtime,
  result: T,
  state: RequestState,
  deployment: DeploymentRef | undefined = state.ctx.deployment,
): T & RouterResultMeta {
  const { ctx } = state;
  // Set once the router resolved: an attempt opened, or the cache answered.
  const ref = deployment ?? cacheRef(state);
  const headers = routerHeaders(ref, ctx.retries, ctx.fallbacksTaken.length);
  // Known here for an answer that finished (not for a stream, whose cost comes with its end).
  if (ctx.cost !== undefined) headers["x-litellm-response-cost"] = String(ctx.cost);
  if (ctx.timings.end !== undefined)
    headers["x-litellm-response-duration-ms"] = String(ctx.timings.end - ctx.timings.start);
  const added = rt.hooks.responseHeaders?.(ctx);
  if (added !== undefined) Object.assign(headers, added);
  // The result's own fields go last: in V8, properties written after a spread take a slow
  // path (microseconds per object), properties before it do not.
  return {
    deployment: ref,
    attempts: ctx.attempts,
    fallbacksTaken: ctx.fallbacksTaken,
    context: ctx,
    headers,
    settled: state.settled,
    ...result,
  };
}

export function cacheRef(state: RequestState): DeploymentRef {
  return {
    id: CACHE_REF_ID,
    modelGroup: state.ctx.modelGroup,
    model: state.ctx.requestedModel,
    provider: CACHE_REF_ID,
  };
}
