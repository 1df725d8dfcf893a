import type { RequestEvent } from "../events/request-event.ts";
import { withoutContent } from "../events/request-event.ts";
import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import type { Sink } from "../sinks/sink-queue.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { postJson, urlOrigin } from "./post-json.ts";
import {
  toStandardLoggingPayload,
  type StandardLoggingPayload,
} from "./standard-logging-payload.ts";

/** LiteLLM's `event_types` filter of a generic_api callback. */
export type GenericApiEventType = "llm_api_success" | "llm_api_failure";

/** LiteLLM's `log_format`: one JSON array per batch (default), NDJSON, or one POST per event. */
export type GenericApiLogFormat = "json_array" | "ndjson" | "single";

export interface GenericApiSinkOptions {
  /** The callback's name in the config (`callbacks: ["my_api"]`); the queue and metrics use it. */
  readonly name?: string;
  /** `endpoint` in callback_settings, or GENERIC_LOGGER_ENDPOINT. */
  readonly endpoint: string;
  /** `headers` in callback_settings, or GENERIC_LOGGER_HEADERS through parseGenericLoggerHeaders. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: both. */
  readonly eventTypes?: readonly GenericApiEventType[];
  readonly logFormat?: GenericApiLogFormat;
  /** Drop messages and response even when the event carries them. Default false. */
  readonly withoutContent?: boolean;
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  readonly logIntervalMs?: number;
}

export interface GenericApiSink extends Sink<RequestEvent> {
  /** Events the receiver refused with a non-retryable 4xx (given up, not retried). */
  rejected(): number;
}

/**
 * LiteLLM's `generic_api` callback as a `Sink` for a `SinkQueue`: each batch is POSTed as
 * `StandardLoggingPayload`s. Retries belong to the queue: `deliver` throws on a 5xx, 408, 429,
 * network error or timeout; a receiver's other 4xx (a wrong URL or token) will not get better
 * by retrying, so that batch is dropped, counted in `rejected()` and logged once per interval.
 */
export function createGenericApiSink(options: GenericApiSinkOptions): GenericApiSink {
  const endpoint = options.endpoint;
  try {
    new URL(endpoint);
  } catch {
    throw new Error(`generic_api endpoint is not a URL: ${JSON.stringify(endpoint)}`);
  }
  const name = options.name ?? "generic_api";
  const format = options.logFormat ?? "json_array";
  const types = new Set(options.eventTypes ?? ["llm_api_success", "llm_api_failure"]);
  const logger = (options.logger ?? noopLogger).child({ sink: name });
  const logRejected = logOncePerInterval(logger, options.logIntervalMs ?? 60_000);
  const post = (body: string, contentType?: string) =>
    postJson(endpoint, body, {
      headers: options.headers,
      timeoutMs: options.requestTimeoutMs,
      fetch: options.fetch,
      contentType,
    });
  // For "single": how many events of a batch were already accepted, so a retry of the same
  // batch (the queue retries the same array) does not send them twice.
  const progress = new WeakMap<readonly RequestEvent[], number>();
  let rejectedCount = 0;

  function reject(status: number, events: number): void {
    rejectedCount += events;
    logRejected("generic_api receiver refused the payload: dropped, not retried", {
      endpoint: urlOrigin(endpoint),
      status,
      events,
      rejected: rejectedCount,
    });
  }

  function payloads(batch: readonly RequestEvent[]): StandardLoggingPayload[] {
    const out: StandardLoggingPayload[] = [];
    for (const event of batch) {
      const type = event.status === "success" ? "llm_api_success" : "llm_api_failure";
      if (!types.has(type)) continue;
      out.push(toStandardLoggingPayload(options.withoutContent ? withoutContent(event) : event));
    }
    return out;
  }

  return {
    name,
    rejected: () => rejectedCount,
    async deliver(batch) {
      const items = payloads(batch);
      if (items.length === 0) return;
      if (format === "single") {
        for (let i = progress.get(batch) ?? 0; i < items.length; i += 1) {
          const outcome = await post(JSON.stringify(items[i]));
          if (!outcome.ok) reject(outcome.status, 1);
          progress.set(batch, i + 1);
        }
        return;
      }
      const body =
        format === "ndjson"
          ? items.map((item) => JSON.stringify(item)).join("\n") + "\n"
          : JSON.stringify(items);
      const outcome = await post(body, format === "ndjson" ? "application/x-ndjson" : undefined);
      if (!outcome.ok) reject(outcome.status, items.length);
    },
  };
}

/**
 * GENERIC_LOGGER_HEADERS as LiteLLM reads it: `Name=value,Other=value`. The value may itself
 * contain `=` (a base64 token); a pair without `=` or with an empty name is an error, so a
 * typo does not silently send no auth header.
 */
export function parseGenericLoggerHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined || value.trim() === "") return headers;
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    const name = at < 0 ? "" : pair.slice(0, at).trim();
    if (name === "") {
      throw new Error(
        "GENERIC_LOGGER_HEADERS must be comma-separated Name=value pairs; one pair has no name",
      );
    }
    headers[name] = pair.slice(at + 1).trim();
  }
  return headers;
}
