import type { RequestAttempt, RequestEvent } from "../events/request-event.ts";
import { operationName, writeAnswer, writeRequestAttributes } from "./gen-ai-attributes.ts";
import { OTLP_KIND, type OtlpKind, type SpanEncoder } from "./span-encoder.ts";

/** A request chosen for tracing: its event and where its server span sits in the trace. */
export interface TracedRequest {
  readonly event: RequestEvent;
  readonly traceId: string;
  readonly serverSpanId: string;
  /** The caller's span (from its traceparent), when it sent one. */
  readonly parentSpanId: string | undefined;
  readonly traceState: string | undefined;
}

/**
 * The request's span tree, after the fact from the event's times: a SERVER span for the
 * request, INTERNAL children for the checks (`gateway.auth`) and the cache lookup, a CLIENT
 * child per upstream attempt (`{operation} {model group}`, GenAI conventions).
 */
export function writeRequestSpans(
  request: TracedRequest,
  enc: SpanEncoder,
  newSpanId: () => string,
): void {
  const { event, traceId, serverSpanId: server, traceState } = request;
  const op = operationName(event.callType);
  enc.beginSpan({
    traceId,
    spanId: server,
    parentSpanId: request.parentSpanId,
    traceState,
    // Every inference route is a POST; the HTTP conventions name server spans "{method} {route}".
    name: `POST ${event.route}`,
    kind: OTLP_KIND.server,
    startMs: event.startTime,
    endMs: event.endTime,
  });
  writeRequestAttributes(event, enc);
  if (event.status === "failure") enc.error(event.errorMessage ?? event.errorClass);
  enc.endSpan();

  const child = (
    name: string,
    startMs: number,
    endMs: number,
    kind: OtlpKind = OTLP_KIND.internal,
  ) =>
    enc.beginSpan({
      traceId,
      spanId: newSpanId(),
      parentSpanId: server,
      traceState,
      name,
      kind,
      startMs,
      endMs,
    });

  if (event.authTiming !== undefined) {
    // No attributes: the name says what it timed (auth, budgets, rate limits), and every byte
    // of every span is exported from the gateway's own thread.
    child("gateway.auth", event.authTiming.startTime, event.authTiming.endTime);
    enc.endSpan();
  }

  const lookup = event.cacheLookupTiming ?? cacheHitTiming(event);
  if (lookup !== undefined) {
    child("gateway.cache_lookup", lookup.startTime, lookup.endTime);
    enc.bool("llm_gateway.cache_hit", event.cacheHit);
    enc.endSpan();
  }

  const attempts = attemptsOf(event);
  for (let index = 0; index < attempts.length; index += 1) {
    const attempt = attempts[index]!;
    child(
      `${op} ${attempt.modelGroup}`,
      attempt.startTime,
      attempt.startTime + attempt.durationMs,
      OTLP_KIND.client,
    );
    enc.str("gen_ai.operation.name", op);
    enc.str("gen_ai.request.model", attempt.modelGroup);
    enc.num("llm_gateway.attempt", index + 1);
    enc.str("llm_gateway.deployment_id", attempt.deploymentId);
    enc.str("llm_gateway.outcome", attempt.outcome);
    if (attempt.errorClass !== undefined) enc.str("error.type", attempt.errorClass);
    if (attempt.errorStatus !== undefined)
      enc.num("http.response.status_code", attempt.errorStatus);
    if (attempt.cooledDown === true) enc.bool("llm_gateway.cooled_down", true);
    // The attempt that answered carries the answer's model and usage.
    if (attempt.outcome === "success" && attempt.deploymentId === event.deploymentId) {
      writeAnswer(event, enc);
    }
    if (attempt.outcome === "failure") enc.error(attempt.errorClass);
    enc.endSpan();
  }
}

/** A cache hit reported without lookup timing: from the checks' end to the answer. */
function cacheHitTiming(event: RequestEvent) {
  if (!event.cacheHit) return undefined;
  const startTime = event.authTiming?.endTime ?? event.startTime;
  return { startTime, endTime: event.firstTokenTime ?? event.endTime };
}

/** The event's attempts; a request with an upstream call but no attempt list gets one. */
function attemptsOf(event: RequestEvent): readonly RequestAttempt[] {
  if (event.attempts !== undefined && event.attempts.length > 0) return event.attempts;
  if (event.cacheHit || event.apiCallStartTime === undefined) return [];
  return [
    {
      deploymentId: event.deploymentId ?? "unknown",
      modelGroup: event.modelGroup ?? event.requestedModel,
      startTime: event.apiCallStartTime,
      durationMs: Math.max(0, event.endTime - event.apiCallStartTime),
      outcome: event.status,
      ...(event.errorClass !== undefined ? { errorClass: event.errorClass } : {}),
      ...(event.errorStatus !== undefined ? { errorStatus: event.errorStatus } : {}),
    },
  ];
}
