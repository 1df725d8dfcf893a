import type { CallType, RequestEvent } from "@org/observability";
import { classifyError, type PostCallOutcome, type RequestContext } from "@org/router";
import type { GatewayRequestMetadata } from "../request-metadata.ts";

/** LiteLLM's call types (what the routes pass) → the event's surface. */
const CALL_TYPES: Readonly<Record<string, CallType>> = {
  acompletion: "chat",
  atext_completion: "completion",
  aembedding: "embedding",
  semantic_cache_embedding: "embedding",
  anthropic_messages: "messages",
  aresponses: "responses",
};

/**
 * The one event of a request, from the router's context and outcome (at its post-call, exactly
 * once per request, streamed or not). Identity fields come from the caller's key; the key itself
 * never (only its hash). Messages and the response only with `logContent` (message logging on).
 */
export function requestEventOf(
  ctx: RequestContext<GatewayRequestMetadata>,
  outcome: PostCallOutcome,
  now: number,
  logContent = false,
): RequestEvent {
  const identity = ctx.metadata.identity;
  const key = identity?.kind === "virtual_key" ? identity : undefined;
  const usage = outcome.usage;
  const deployment = ctx.cacheHit ? undefined : ctx.deployment;
  const error = outcome.error;
  const callType = ctx.metadata.call_type;
  const tags = (ctx.request as { metadata?: { tags?: unknown } | null }).metadata?.tags;
  const lastAttempt = ctx.attempts.at(-1);
  const metadata = ctx.metadata;
  // From the request's arrival when the route recorded it (auth ran before the router started).
  const startTime =
    metadata.receivedAt !== undefined && metadata.receivedAt < ctx.timings.start
      ? metadata.receivedAt
      : ctx.timings.start;
  return {
    callId: ctx.callId,
    route: ctx.metadata.route ?? "",
    callType:
      (callType === undefined ? undefined : CALL_TYPES[callType]) ??
      (ctx.kind === "embedding" ? "embedding" : "chat"),
    stream: ctx.stream,
    startTime,
    ...(metadata.checksEndedAt !== undefined && metadata.checksEndedAt >= startTime
      ? { authTiming: { startTime, endTime: metadata.checksEndedAt } }
      : {}),
    ...(metadata.cacheLookupStartedAt !== undefined && metadata.cacheLookupEndedAt !== undefined
      ? {
          cacheLookupTiming: {
            startTime: metadata.cacheLookupStartedAt,
            endTime: metadata.cacheLookupEndedAt,
          },
        }
      : {}),
    ...(ctx.attempts.length > 0 && lastAttempt ? { apiCallStartTime: lastAttempt.startedAt } : {}),
    ...(ctx.timings.firstToken !== undefined ? { firstTokenTime: ctx.timings.firstToken } : {}),
    endTime: ctx.timings.end ?? now,
    ...(identity?.keyHash ? { keyHash: identity.keyHash } : {}),
    ...(key?.keyAlias ? { keyAlias: key.keyAlias } : {}),
    ...(key?.teamId ? { teamId: key.teamId } : {}),
    ...(key?.teamAlias ? { teamAlias: key.teamAlias } : {}),
    ...(key?.userId ? { userId: key.userId } : {}),
    ...(typeof ctx.request.user === "string" && ctx.request.user !== ""
      ? { endUser: ctx.request.user }
      : {}),
    ...(key?.organizationId ? { orgId: key.organizationId } : {}),
    requestedModel: ctx.requestedModel,
    modelGroup: ctx.deployment?.modelGroup ?? ctx.modelGroup,
    ...(deployment
      ? {
          deploymentId: deployment.id,
          provider: deployment.provider,
          providerModel: deployment.model,
          ...(deployment.apiBase ? { apiBase: deployment.apiBase } : {}),
        }
      : {}),
    ...(usage
      ? {
          tokens: {
            prompt: usage.prompt_tokens ?? 0,
            completion: usage.completion_tokens ?? 0,
            cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
            reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
            ...(outcome.usageEstimated ? { estimated: true } : {}),
          },
        }
      : {}),
    ...(outcome.cost !== undefined ? { cost: outcome.cost } : ctx.cacheHit ? { cost: 0 } : {}),
    cacheHit: ctx.cacheHit,
    retries: ctx.retries,
    fallbacks: ctx.fallbacksTaken,
    attempts: ctx.attempts.map((a) => ({
      deploymentId: a.deploymentId,
      modelGroup: a.modelGroup,
      startTime: a.startedAt,
      durationMs: a.durationMs,
      outcome: a.outcome,
      ...(a.errorClass ? { errorClass: a.errorClass } : {}),
      ...(a.status !== undefined ? { errorStatus: a.status } : {}),
      ...(a.cooldownUntil !== undefined ? { cooledDown: true } : {}),
    })),
    status: outcome.status,
    httpStatus: error ? error.status : 200,
    ...(error
      ? {
          errorClass: classifyError(error),
          errorStatus: error.upstreamStatus ?? error.status,
          errorMessage: error.message,
        }
      : {}),
    ...(outcome.partial ? { partial: true } : {}),
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [],
    ...(logContent ? contentOf(ctx, outcome) : {}),
  };
}

/**
 * What was asked and answered, for the callbacks that store content (Langfuse's input/output,
 * generic_api's messages/response, OTel's gen_ai.*.messages): the chat messages, else the
 * embedding input or completion prompt; the answer as the router assembled it (a stream's too).
 */
function contentOf(
  ctx: RequestContext<GatewayRequestMetadata>,
  outcome: PostCallOutcome,
): { messages?: unknown; response?: unknown } {
  const request = ctx.request as { messages?: unknown; input?: unknown; prompt?: unknown };
  const messages = request.messages ?? request.input ?? request.prompt;
  return {
    ...(messages !== undefined ? { messages } : {}),
    ...(outcome.response !== undefined ? { response: outcome.response } : {}),
  };
}
