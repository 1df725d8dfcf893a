import type { CallType, RequestAttempt, RequestEvent } from "@org/observability";
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
  // Built key by key in the order the event has always had (sinks serialise it as is); a
  // literal of conditional spreads made a small object per optional field, per request.
  const event: Mutable<RequestEvent> = {
    callId: ctx.callId,
    route: ctx.metadata.route ?? "",
    callType:
      (callType === undefined ? undefined : CALL_TYPES[callType]) ??
      (ctx.kind === "embedding" ? "embedding" : "chat"),
    stream: ctx.stream,
    startTime,
  } as Mutable<RequestEvent>;
  if (metadata.checksEndedAt !== undefined && metadata.checksEndedAt >= startTime) {
    event.authTiming = { startTime, endTime: metadata.checksEndedAt };
  }
  if (metadata.cacheLookupStartedAt !== undefined && metadata.cacheLookupEndedAt !== undefined) {
    event.cacheLookupTiming = {
      startTime: metadata.cacheLookupStartedAt,
      endTime: metadata.cacheLookupEndedAt,
    };
  }
  if (ctx.attempts.length > 0 && lastAttempt) event.apiCallStartTime = lastAttempt.startedAt;
  if (ctx.timings.firstToken !== undefined) event.firstTokenTime = ctx.timings.firstToken;
  event.endTime = ctx.timings.end ?? now;
  if (identity?.keyHash) event.keyHash = identity.keyHash;
  if (key?.keyAlias) event.keyAlias = key.keyAlias;
  if (key?.teamId) event.teamId = key.teamId;
  if (key?.teamAlias) event.teamAlias = key.teamAlias;
  if (key?.userId) event.userId = key.userId;
  if (typeof ctx.request.user === "string" && ctx.request.user !== "") {
    event.endUser = ctx.request.user;
  }
  if (key?.organizationId) event.orgId = key.organizationId;
  event.requestedModel = ctx.requestedModel;
  event.modelGroup = ctx.deployment?.modelGroup ?? ctx.modelGroup;
  if (deployment) {
    event.deploymentId = deployment.id;
    event.provider = deployment.provider;
    event.providerModel = deployment.model;
    if (deployment.apiBase) event.apiBase = deployment.apiBase;
  }
  if (usage) {
    const tokens: Mutable<NonNullable<RequestEvent["tokens"]>> = {
      prompt: usage.prompt_tokens ?? 0,
      completion: usage.completion_tokens ?? 0,
      cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
      reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    };
    if (outcome.usageEstimated) tokens.estimated = true;
    event.tokens = tokens;
  }
  if (outcome.cost !== undefined) event.cost = outcome.cost;
  else if (ctx.cacheHit) event.cost = 0;
  event.cacheHit = ctx.cacheHit;
  event.retries = ctx.retries;
  event.fallbacks = ctx.fallbacksTaken;
  event.attempts = ctx.attempts.map(attemptOf);
  event.status = outcome.status;
  event.httpStatus = error ? error.status : 200;
  if (error) {
    event.errorClass = classifyError(error);
    event.errorStatus = error.upstreamStatus ?? error.status;
    event.errorMessage = error.message;
  }
  if (outcome.partial) event.partial = true;
  event.tags = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
  if (logContent) Object.assign(event, contentOf(ctx, outcome));
  return event;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function attemptOf(a: RequestContext<GatewayRequestMetadata>["attempts"][number]): RequestAttempt {
  const attempt: Mutable<RequestAttempt> = {
    deploymentId: a.deploymentId,
    modelGroup: a.modelGroup,
    startTime: a.startedAt,
    durationMs: a.durationMs,
    outcome: a.outcome,
  };
  if (a.errorClass) attempt.errorClass = a.errorClass;
  if (a.status !== undefined) attempt.errorStatus = a.status;
  if (a.cooldownUntil !== undefined) attempt.cooledDown = true;
  return attempt;
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
