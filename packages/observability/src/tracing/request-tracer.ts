import {
  ROOT_CONTEXT,
  SpanKind,
  defaultTextMapGetter,
  trace,
  type Context,
} from "@opentelemetry/api";
import {
  ExportResultCode,
  W3CTraceContextPropagator,
  type ExportResult,
} from "@opentelemetry/core";
import type { IOtlpExportDelegate } from "@opentelemetry/otlp-exporter-base";
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from "@opentelemetry/otlp-exporter-base/node-http";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { SamplingDecision, type Sampler } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import type { RequestEvent } from "../events/request-event.ts";
import { otlpTraceConfigFromEnv, type OtelEnv } from "./otel-env.ts";
import { OtlpJsonEncoder } from "./otlp-json-encoder.ts";
import { OtlpProtobufEncoder } from "./otlp-protobuf-encoder.ts";
import { writeRequestSpans } from "./request-spans.ts";
import type { OtlpBodyEncoder } from "./span-encoder.ts";
import { SpanIds } from "./span-ids.ts";
import { samplerFromEnv } from "./trace-sampler.ts";

export interface RequestTracerOptions {
  /** The environment holding the OTEL_* variables (the gateway passes process.env). */
  readonly env: OtelEnv;
  readonly logger?: Logger;
  /** Spans held for export at most (encoded, waiting); past it requests go untraced. Default 2 048. */
  readonly maxQueueSize?: number;
  /** Spans per OTLP request (about). Default 512. */
  readonly maxExportBatchSize?: number;
  /** How long spans wait for a batch to fill. Default 1 000 ms. */
  readonly scheduledDelayMillis?: number;
  /** One export (with the exporter's own retries) gives up after this. Default 10 000 ms. */
  readonly exportTimeoutMillis?: number;
}

export interface RecordRequestOptions {
  /** The request's incoming W3C `traceparent` header: the spans continue that trace. */
  readonly traceparent?: string;
  /** The incoming `tracestate` header, kept with the parent. */
  readonly tracestate?: string;
}

export interface RequestTracerStats {
  /** Requests turned into spans (sampled out and dropped ones not counted). */
  readonly requests: number;
  /** Spans the collector accepted. */
  readonly exportedSpans: number;
  /** Spans in exports that failed or timed out (the collector is down or refused them). */
  readonly failedSpans: number;
  /** Requests left untraced because the export queue was full (a slow or dead collector). */
  readonly droppedRequests: number;
}

export interface RequestTracer {
  readonly enabled: boolean;
  /** The OTLP URL spans go to (no headers: they may hold credentials). */
  readonly url: string | undefined;
  /**
   * Writes the request's span tree, after the fact from the event's times, into the next
   * export's body. Synchronous, never throws; the export happens later, off the request.
   */
  recordRequest(event: RequestEvent, options?: RecordRequestOptions): void;
  stats(): RequestTracerStats;
  /** Exports what is queued now (tests, and before shutdown). */
  forceFlush(): Promise<void>;
  /** Flushes and stops; later recordRequest calls are ignored. Never rejects. */
  shutdown(): Promise<void>;
}

/** One export request: its encoded body and how many spans are in it. */
interface Batch {
  readonly body: Uint8Array;
  readonly spans: number;
}

const SCOPE_NAME = "@org/observability";

/**
 * OpenTelemetry traces for the gateway's requests, exported as OTLP/HTTP (protobuf by default)
 * through the official exporter transport (@opentelemetry/otlp-exporter-base: its headers,
 * timeout, retries with backoff), sampled by the official SDK's samplers (OTEL_TRACES_SAMPLER),
 * W3C traceparent read by @opentelemetry/core's propagator.
 *
 * The spans themselves are not SDK Span objects: the request is over when its event exists, so
 * its span tree is written straight from the event into the next export's body (see
 * request-spans.ts and otlp-protobuf-encoder.ts). Issue 20 measured the SDK way (a Span per
 * phase, attribute maps checked and copied, a BatchSpanProcessor queue of objects, the
 * exporter's transform and serialisation) at about 0.16 CPU-ms per request in the gateway,
 * three times its budget; what is kept between exports is bytes, which the GC never walks.
 *
 * Nothing here can slow or fail a request: one export is in flight at a time, encoded bodies
 * wait in a bounded queue, and a request that finds it full goes untraced (counted).
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
  const sampling = samplerFromEnv(options.env);
  if (sampling.problem !== undefined) logger.warn(`OTel sampler: ${sampling.problem}`);
  const sampler: Sampler = sampling.sampler;

  const maxQueueSize = options.maxQueueSize ?? 2_048;
  const maxBatch = Math.max(1, Math.min(options.maxExportBatchSize ?? 512, maxQueueSize));
  const delayMs = options.scheduledDelayMillis ?? 1_000;
  const exportTimeoutMillis = options.exportTimeoutMillis ?? 10_000;
  const json = config.encoding === "json";
  const resource = { ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName };
  const encoder: OtlpBodyEncoder = json
    ? new OtlpJsonEncoder(resource, SCOPE_NAME)
    : new OtlpProtobufEncoder(resource, SCOPE_NAME);
  const delegate: IOtlpExportDelegate<Batch> = createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(
      { url: config.url, headers: { ...config.headers }, timeoutMillis: exportTimeoutMillis },
      "TRACES",
      "v1/traces",
      { "Content-Type": json ? "application/json" : "application/x-protobuf" },
    ),
    {
      // The body is encoded already, as the requests ended.
      serializeRequest: (batch: Batch) => batch.body,
      deserializeResponse: json
        ? JsonTraceSerializer.deserializeResponse
        : ProtobufTraceSerializer.deserializeResponse,
    },
    json ? "otlp_http_json_span_exporter" : "otlp_http_span_exporter",
    { name: "span", countItems: (batch: Batch) => batch.spans },
    undefined,
  );
  const logFailure = logOncePerInterval(logger, 60_000);
  const propagator = new W3CTraceContextPropagator();
  const ids = new SpanIds();
  const newSpanId = () => ids.spanId();

  const waiting: Batch[] = [];
  let waitingSpans = 0;
  let inFlight: Batch | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let kick: ReturnType<typeof setImmediate> | undefined;
  let idleWaiters: (() => void)[] = [];
  let requests = 0;
  let exportedSpans = 0;
  let failedSpans = 0;
  let droppedRequests = 0;
  let closed = false;

  /** The body being written becomes a batch waiting for export. */
  function seal(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const spans = encoder.spanCount;
    if (spans === 0) return;
    waiting.push({ body: encoder.finish(), spans });
    waitingSpans += spans;
  }

  function sendNext(): void {
    kick = undefined;
    if (inFlight !== undefined) return;
    const batch = waiting.shift();
    if (batch === undefined) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    waitingSpans -= batch.spans;
    inFlight = batch;
    let settled = false;
    // The transport's own deadline (retries included) ends an export first, so its result is
    // always counted; this only guarantees the queue moves on whatever happens.
    const backstop = setTimeout(
      () => done({ code: ExportResultCode.FAILED, error: new Error("export timed out") }),
      exportTimeoutMillis + 1_000,
    );
    backstop.unref?.();
    function done(result: ExportResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(backstop);
      if (result.code === ExportResultCode.SUCCESS) exportedSpans += batch!.spans;
      else {
        failedSpans += batch!.spans;
        logFailure("OTLP export failed: spans dropped", {
          spans: batch!.spans,
          failedSpans,
          error: result.error?.message,
        });
      }
      inFlight = undefined;
      sendNext();
    }
    try {
      delegate.export(batch, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Export soon, off the request that filled the batch (its answer is not held up). */
  function scheduleSend(): void {
    if (kick === undefined && inFlight === undefined) kick = setImmediate(sendNext);
  }

  function flushNow(): Promise<void> {
    seal();
    if (waiting.length === 0 && inFlight === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      scheduleSend();
    });
  }

  return {
    enabled: true,
    url: config.url,
    recordRequest(event, recordOptions = {}) {
      if (closed) return;
      const mark = encoder.mark();
      try {
        const parent = incomingContext(propagator, recordOptions);
        const parentSpan = parent === ROOT_CONTEXT ? undefined : trace.getSpanContext(parent);
        const traceId = parentSpan?.traceId ?? ids.traceId();
        const decision = sampler.shouldSample(
          parent,
          traceId,
          "request",
          SpanKind.SERVER,
          {},
          [],
        ).decision;
        if (decision !== SamplingDecision.RECORD_AND_SAMPLED) return;
        if (waitingSpans + encoder.spanCount >= maxQueueSize) {
          droppedRequests += 1;
          return;
        }
        writeRequestSpans(
          {
            event,
            traceId,
            serverSpanId: ids.spanId(),
            parentSpanId: parentSpan?.spanId,
            traceState: parentSpan?.traceState?.serialize() || undefined,
          },
          encoder,
          newSpanId,
        );
        requests += 1;
        if (encoder.spanCount >= maxBatch) {
          seal();
          scheduleSend();
        } else if (timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            seal();
            scheduleSend();
          }, delayMs);
          timer.unref?.();
        }
      } catch (error) {
        // A malformed event must never fail the request that produced it, nor leave half its
        // spans in the body.
        encoder.rewind(mark);
        logger.warn("could not record request spans", {
          callId: event?.callId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
    stats: () => ({ requests, exportedSpans, failedSpans, droppedRequests }),
    forceFlush: () => flushNow(),
    async shutdown() {
      if (closed) return;
      closed = true;
      await flushNow().catch(() => undefined);
      await delegate.shutdown().catch(() => undefined);
      idleWaiters = [];
    },
  };
}

function disabledTracer(): RequestTracer {
  return {
    enabled: false,
    url: undefined,
    recordRequest: () => undefined,
    stats: () => ({ requests: 0, exportedSpans: 0, failedSpans: 0, droppedRequests: 0 }),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}

/** The parent from a valid incoming traceparent, else a new trace (ROOT_CONTEXT). */
function incomingContext(
  propagator: W3CTraceContextPropagator,
  options: RecordRequestOptions,
): Context {
  if (options.traceparent === undefined) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent: options.traceparent };
  if (options.tracestate !== undefined) carrier.tracestate = options.tracestate;
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}
