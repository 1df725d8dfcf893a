import { randomUUID } from "node:crypto";
import type { ChatCompletionRequest, EmbeddingRequest } from "@org/core";
import type { RequestContext } from "../context/request-context.ts";
import { estimateCost } from "../context/cost-estimate.ts";
import { reachableDeployments } from "../context/reachable-deployments.ts";
import { bodyFallbacks } from "../fallbacks/body-fallbacks.ts";
import { toFallbackMap } from "../fallbacks/fallback-map.ts";
import type { CallOptions } from "../router.ts";
import type { RequestState } from "./request-state.ts";
import type { splitRouterParams } from "./router-params.ts";
import { settlement } from "./router-result.ts";
import type { Runtime } from "./runtime.ts";

/** Replaced below once the request's fallbacks are known. */
const NO_ESTIMATE = { promptTokens: 0, maxOutputTokens: undefined, maxCost: undefined } as const;

/**
 * A request's state from its body and options: the context hooks read (call id, resolved group,
 * the fallbacks the body names), its token count, the fallback maps it runs with, and its cost
 * estimate priced over every deployment it may reach.
 */
export function beginRequest(
  rt: Runtime,
  kind: "chat" | "embedding",
  request: ChatCompletionRequest | EmbeddingRequest,
  stream: boolean,
  params: ReturnType<typeof splitRouterParams>["params"],
  options: CallOptions,
): RequestState {
  const start = rt.clock.now();
  const tokens = rt.countTokens(request, kind);
  const group = rt.table.resolve(request.model);
  const ctx: RequestContext = {
    callId: options.callId ?? randomUUID(),
    kind,
    requestedModel: request.model,
    modelGroup: group?.name ?? request.model,
    request,
    stream,
    metadata: options.metadata ?? {},
    timings: { start },
    deployment: undefined,
    attempts: [],
    fallbacksTaken: [],
    retries: 0,
    requestFallbacks: bodyFallbacks(
      rt,
      [
        options.requestFallbacks ?? params.fallbacks,
        params.contextWindowFallbacks,
        params.contentPolicyFallbacks,
      ],
      group?.name ?? request.model,
    ),
    estimate: NO_ESTIMATE,
    cacheHit: false,
    signal: options.signal,
  };
  const requestFallbacks = options.requestFallbacks ?? params.fallbacks;
  const forGroup = ctx.modelGroup;
  const state: RequestState = {
    ctx,
    tokens,
    requestRetries: params.numRetries,
    fallbacks:
      requestFallbacks === undefined
        ? rt.settings.fallbacks
        : toFallbackMap(requestFallbacks, forGroup),
    contextWindowFallbacks:
      params.contextWindowFallbacks === undefined
        ? rt.settings.contextWindowFallbacks
        : toFallbackMap(params.contextWindowFallbacks, forGroup),
    contentPolicyFallbacks:
      params.contentPolicyFallbacks === undefined
        ? rt.settings.contentPolicyFallbacks
        : toFallbackMap(params.contentPolicyFallbacks, forGroup),
    disableFallbacks: params.disableFallbacks,
    answeredBy: undefined,
    finished: false,
    ...settlement(),
  };
  // Priced over every deployment the request may reach, its fallbacks' included.
  const reachable = state.disableFallbacks
    ? (group?.deployments ?? [])
    : reachableDeployments(
        rt.table,
        forGroup,
        group?.deployments ?? [],
        [state.fallbacks, state.contextWindowFallbacks, state.contentPolicyFallbacks],
        rt.settings.maxFallbacks,
      );
  ctx.estimate = estimateCost(
    request,
    tokens,
    reachable,
    rt.priceOf,
    rt.registry,
    rt.settings.timeoutMs,
  );
  return state;
}
