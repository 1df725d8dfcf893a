import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import {
  ExportResultCode,
  W3CTraceContextPropagator,
  type ExportResult,
} from "@opentelemetry/core";
import { OTLPTraceExporter as OTLPJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import type { RequestAttempt, RequestEvent } from "../events/request-event.ts";
import { operationName, requestAttributes } from "./gen-ai-attributes.ts";
import { otlpTraceConfigFromEnv, type OtelEnv } from "./otel-env.ts";

export interface RequestTracerOptions {
  /** The environment holding the OTEL_* variables (the gateway passes process.env). */
  readonly env: OtelEnv;
  readonly logger?: Logger;
  /** Spans held for export at most; past it new spans are dropped. Default 2 048. */
  readonly maxQueueSize?: number;
  /** Spans per OTLP request at most. Default 512. */
  readonly maxExportBatchSize?: number;
  /** How long spans wait for a batch to fill. Default 1 000 ms. */
  readonly scheduledDelayMillis?: number;
  /** One export (with the exporter's own retries) gives up after this. Default 10 000 ms. */
  readonly exportTimeoutMillis?: number;
  /** Replaces the OTLP exporter (tests, or another backend). */
  readonly exporter?: SpanExporter;
}

export interface RecordRequestOptions {
  /** The request's incoming W3C `traceparent` header: the spans continue that trace. */
  readonly traceparent?: string;
  /** The incoming `tracestate` header, kept with the parent. */
  readonly tracestate?: string;
}

export interface RequestTracerStats {
  /** Requests turned into spans. */
  readonly requests: number;
  /** Spans the exporter accepted. */
  readonly exportedSpans: number;
  /** Spans in exports that failed or timed out (the collector is down or refused them). */
  readonly failedSpans: number;
}

export interface RequestTracer {
  readonly enabled: boolean;
  /** The OTLP URL spans go to (no headers: they may hold credentials). */
  readonly url: string | undefined;
  /**
   * Builds the request's span tree after the fact from the event's times and hands it to the
   * batch processor. Synchronous, never throws; the export happens later, off the request.
   */
  recordRequest(event: RequestEvent, options?: RecordRequestOptions): void;
  stats(): RequestTracerStats;
  /** Exports what is queued now (tests, and before shutdown). */
  forceFlush(): Promise<void>;
  /** Flushes and stops; later recordRequest calls are ignored. Never rejects. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces for the gateway's requests, with the official SDK: a provider of our
 * own (never registered globally, so it cannot clash with an app's own OTel setup), the OTLP
 * HTTP exporter (JSON encoding) and a BatchSpanProcessor. The processor's queue is bounded and
 * `onEnd` only appends to it, so a slow or dead collector costs a request nothing: spans past
 * the queue's size are dropped and each export is cut off after `exportTimeoutMillis`.
 */
export function createRequestTracer(options: RequestTracerOptions): RequestTracer {
  const logger = (options.logger ?? noopLogger).child({ component: "otel" });
  const config = otlpTraceConfigFromEnv(options.env);
  if (config.disabled) return disabledTracer();
  if (config.unsupportedProtocol !== undefined) {
    logger.warn("OTLP protocol not supported: spans are sent as OTLP/HTTP protobuf", {
      protocol: config.unsupportedProtocol,
      url: config.url,
    });
  }

  const exportTimeoutMillis = options.exportTimeoutMillis ?? 10_000;
  const OTLPTraceExporter =
    config.encoding === "json" ? OTLPJsonTraceExporter : OTLPProtobufTraceExporter;
  const inner =
    options.exporter ??
    new OTLPTraceExporter({
      url: config.url,
      headers: { ...config.headers },
      timeoutMillis: exportTimeoutMillis,
    });
  const exporter = new CountingExporter(inner, logger);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      ...config.resourceAttributes,
      [ATTR_SERVICE_NAME]: config.serviceName,
    }),
    // Set explicitly so OTEL_TRACES_SAMPLER in the process cannot change what is recorded
    // behind the caller's back: record everything, except where the caller's sampled flag
    // says the upstream trace is not sampled.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxQueueSize: options.maxQueueSize ?? 2_048,
        maxExportBatchSize: options.maxExportBatchSize ?? 512,
        scheduledDelayMillis: options.scheduledDelayMillis ?? 1_000,
        // The exporter's own deadline (its retries included) ends an export first, so its
        // result is always seen and counted; the processor's is only the backstop.
        exportTimeoutMillis: exportTimeoutMillis + 1_000,
      }),
    ],
  });
  const tracer = provider.getTracer("@org/observability");
  const propagator = new W3CTraceContextPropagator();
  let requests = 0;
  let closed = false;

  return {
    enabled: true,
    url: config.url,
    recordRequest(event, recordOptions = {}) {
      if (closed) return;
      try {
        const parent = incomingContext(propagator, recordOptions);
        buildSpans(tracer, event, parent);
        requests += 1;
      } catch (error) {
        // A malformed event must never fail the request that produced it.
        logger.warn("could not record request spans", {
          callId: event?.callId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
    stats: () => ({
      requests,
      exportedSpans: exporter.exported,
      failedSpans: exporter.failed,
    }),
    forceFlush: () => provider.forceFlush().catch(() => undefined),
    async shutdown() {
      closed = true;
      await provider.shutdown().catch(() => undefined);
    },
  };
}

function disabledTracer(): RequestTracer {
  return {
    enabled: false,
    url: undefined,
    recordRequest: () => undefined,
    stats: () => ({ requests: 0, exportedSpans: 0, failedSpans: 0 }),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}

/** The parent from a valid incoming traceparent, else a new trace. */
function incomingContext(
  propagator: W3CTraceContextPropagator,
  options: RecordRequestOptions,
): Context {
  if (options.traceparent === undefined) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent: options.traceparent };
  if (options.tracestate !== undefined) carrier.tracestate = options.tracestate;
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/**
 * SERVER span for the request, children for the checks, the cache lookup and each upstream
 * attempt. The times come from the event (epoch ms), converted to HrTime here: the SDK reads a
 * bare number below performance.now() as a performance timestamp, not an epoch one.
 */
function buildSpans(tracer: Tracer, event: RequestEvent, parent: Context): void {
  const op = operationName(event.callType);
  const serverAttributes = requestAttributes(event);
  const server = tracer.startSpan(
    // Every inference route is a POST; the HTTP conventions name server spans "{method} {route}".
    `POST ${event.route}`,
    { kind: SpanKind.SERVER, startTime: hr(event.startTime), attributes: serverAttributes },
    parent,
  );
  if (event.status === "failure") {
    server.setStatus({
      code: SpanStatusCode.ERROR,
      message: event.errorMessage ?? event.errorClass,
    });
  }
  const inServer = trace.setSpan(parent, server);

  if (event.authTiming !== undefined) {
    child(tracer, inServer, "gateway.auth", event.authTiming.startTime, {
      "llm_gateway.phase": "auth_budget_rate_limit",
    }).end(hr(event.authTiming.endTime));
  }

  const lookup = event.cacheLookupTiming ?? cacheHitTiming(event);
  if (lookup !== undefined) {
    child(tracer, inServer, "gateway.cache_lookup", lookup.startTime, {
      "llm_gateway.cache_hit": event.cacheHit,
    }).end(hr(lookup.endTime));
  }

  for (const [index, attempt] of attemptsOf(event).entries()) {
    const span = child(
      tracer,
      inServer,
      `${op} ${attempt.modelGroup}`,
      attempt.startTime,
      attemptAttributes(event, attempt, index, serverAttributes),
      SpanKind.CLIENT,
    );
    if (attempt.outcome === "failure") {
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.errorClass });
    }
    span.end(hr(attempt.startTime + attempt.durationMs));
  }

  server.end(hr(event.endTime));
}

function child(
  tracer: Tracer,
  parent: Context,
  name: string,
  start: number,
  attributes: Attributes,
  kind: SpanKind = SpanKind.INTERNAL,
): Span {
  return tracer.startSpan(name, { kind, startTime: hr(start), attributes }, parent);
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

function attemptAttributes(
  event: RequestEvent,
  attempt: RequestAttempt,
  index: number,
  server: Attributes,
): Attributes {
  const a: Attributes = {
    "gen_ai.operation.name": operationName(event.callType),
    "gen_ai.request.model": attempt.modelGroup,
    "llm_gateway.attempt": index + 1,
    "llm_gateway.deployment_id": attempt.deploymentId,
    "llm_gateway.model_group": attempt.modelGroup,
    "llm_gateway.outcome": attempt.outcome,
  };
  if (attempt.errorClass !== undefined) a["error.type"] = attempt.errorClass;
  if (attempt.errorStatus !== undefined) a["http.response.status_code"] = attempt.errorStatus;
  if (attempt.cooledDown === true) a["llm_gateway.cooled_down"] = true;
  // The attempt that answered carries the answer's model and usage.
  if (attempt.outcome === "success" && attempt.deploymentId === event.deploymentId) {
    for (const key of [
      "gen_ai.provider.name",
      "gen_ai.response.model",
      "gen_ai.usage.input_tokens",
      "gen_ai.usage.output_tokens",
      "gen_ai.usage.cache_read.input_tokens",
    ]) {
      const value = server[key];
      if (value !== undefined) a[key] = value;
    }
  }
  return a;
}

function hr(epochMs: number): HrTime {
  const ms = Number.isFinite(epochMs) ? epochMs : Date.now();
  const seconds = Math.floor(ms / 1_000);
  return [seconds, Math.round((ms - seconds * 1_000) * 1_000_000)];
}

/** Counts what the exporter did, for `stats()`; a failure is logged, never thrown. */
class CountingExporter implements SpanExporter {
  exported = 0;
  failed = 0;
  private readonly logFailure: (message: string, fields?: Record<string, unknown>) => void;

  constructor(
    private readonly inner: SpanExporter,
    logger: Logger,
  ) {
    this.logFailure = logOncePerInterval(logger, 60_000);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else {
        this.failed += spans.length;
        this.logFailure("OTLP export failed: spans dropped", {
          spans: spans.length,
          failedSpans: this.failed,
          error: result.error?.message,
        });
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
