import { randomUUID } from "node:crypto";
import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import type { RequestEvent } from "../events/request-event.ts";
import type { Sink } from "./sink-queue.ts";

/**
 * Sends request events to Langfuse through its public batch ingestion API
 * (`POST {host}/api/public/ingestion`, basic auth public:secret): per request one
 * `trace-create` and one `generation-create` carrying model, usage, cost, the start / end /
 * completion-start times and the key/team/user metadata. Why this API rather than Langfuse's
 * OTLP endpoint: see the README ("Langfuse"). Used behind a SinkQueue: `deliver` rejects on a
 * failed POST so the queue retries, counts and gives up; it never runs on the request path.
 */

export interface LangfuseSinkOptions {
  readonly publicKey: string;
  readonly secretKey: string;
  /** Default https://cloud.langfuse.com (LiteLLM's default too). */
  readonly host?: string;
  /** Langfuse's `environment` on traces and generations (e.g. `production`). */
  readonly environment?: string;
  /** Langfuse's `release` on traces (e.g. the gateway's version). */
  readonly release?: string;
  /** One POST is aborted after this. Default 10 000 ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  /** Replaceable for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export const DEFAULT_LANGFUSE_HOST = "https://cloud.langfuse.com";

/** Langfuse documents 3.5 MB per ingestion request; stay under it with room for the envelope. */
const MAX_REQUEST_BYTES = 3_000_000;

/**
 * The options from LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_HOST (the env is
 * passed in); undefined when either key is missing, so the caller can say Langfuse is off.
 */
export function langfuseOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Pick<LangfuseSinkOptions, "publicKey" | "secretKey" | "host"> | undefined {
  const publicKey = env.LANGFUSE_PUBLIC_KEY?.trim();
  const secretKey = env.LANGFUSE_SECRET_KEY?.trim();
  if (!publicKey || !secretKey) return undefined;
  const host = env.LANGFUSE_HOST?.trim();
  return { publicKey, secretKey, ...(host ? { host } : {}) };
}

/** One entry of Langfuse's ingestion batch (the "event envelope"). */
export interface LangfuseIngestionEvent {
  readonly id: string;
  readonly timestamp: string;
  readonly type: "trace-create" | "generation-create";
  readonly body: Record<string, unknown>;
}

export interface LangfuseTraceSettings {
  readonly environment?: string;
  readonly release?: string;
}

export class LangfuseSink implements Sink<RequestEvent> {
  readonly name = "langfuse";
  private readonly url: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly settings: LangfuseTraceSettings;
  private readonly logRejected: (message: string, fields?: Record<string, unknown>) => void;
  private rejected = 0;

  constructor(options: LangfuseSinkOptions) {
    if (!options.publicKey || !options.secretKey) {
      throw new Error("LangfuseSink needs a public and a secret key");
    }
    const host = (options.host ?? DEFAULT_LANGFUSE_HOST).replace(/\/+$/, "");
    this.url = `${host}/api/public/ingestion`;
    this.authorization = `Basic ${Buffer.from(`${options.publicKey}:${options.secretKey}`).toString("base64")}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.settings = {
      ...(options.environment !== undefined ? { environment: options.environment } : {}),
      ...(options.release !== undefined ? { release: options.release } : {}),
    };
    const logger = (options.logger ?? noopLogger).child({ sink: this.name });
    this.logRejected = logOncePerInterval(logger, 60_000);
  }

  /** Events Langfuse answered with a per-event error (207): bad input, not retried. */
  rejectedEvents(): number {
    return this.rejected;
  }

  async deliver(batch: readonly RequestEvent[]): Promise<void> {
    const events = batch.flatMap((event) => toIngestionEvents(event, this.settings));
    for (const chunk of chunkBySize(events)) await this.post(chunk);
  }

  private async post(batch: readonly LangfuseIngestionEvent[]): Promise<void> {
    const response = await this.fetchImpl(this.url, {
      method: "POST",
      headers: { authorization: this.authorization, "content-type": "application/json" },
      body: JSON.stringify({ batch }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text().catch(() => "");
    if (!response.ok) {
      // 401/403 (wrong keys), 429 and 5xx: reject, so the queue retries and then counts the
      // batch as failed. The body is not echoed: it could quote what we sent.
      throw new Error(`Langfuse ingestion answered ${response.status}`);
    }
    // 207: some events were refused for their content; retrying would be refused again.
    const errors = parseErrors(text);
    if (errors.length > 0) {
      this.rejected += errors.length;
      this.logRejected("Langfuse refused events", {
        refused: errors.length,
        totalRefused: this.rejected,
        // Status and id only: Langfuse's message may quote the content we sent.
        first: summarize(errors[0]),
      });
    }
  }
}

/**
 * The trace and the generation for one request. The trace id is the call id, so a request is
 * found in Langfuse by its `x-litellm-call-id`; a redelivered batch reuses the same body ids
 * (Langfuse upserts on them), only the envelope ids are new.
 */
export function toIngestionEvents(
  event: RequestEvent,
  settings: LangfuseTraceSettings = {},
): LangfuseIngestionEvent[] {
  const { environment, release } = settings;
  const now = new Date().toISOString();
  const metadata = metadataOf(event);
  const name = `litellm-${event.callType}`;
  const trace: Record<string, unknown> = {
    id: event.callId,
    timestamp: iso(event.startTime),
    name,
    metadata,
    tags: [...event.tags],
  };
  const user = event.endUser ?? event.userId;
  if (user !== undefined) trace.userId = user;
  if (environment !== undefined) trace.environment = environment;
  if (release !== undefined) trace.release = release;
  if (event.messages !== undefined) trace.input = event.messages;
  if (event.response !== undefined) trace.output = event.response;

  const generation: Record<string, unknown> = {
    id: `${event.callId}-generation`,
    traceId: event.callId,
    name,
    startTime: iso(event.apiCallStartTime ?? event.startTime),
    endTime: iso(event.endTime),
    model: event.providerModel ?? event.requestedModel,
    metadata,
    level: event.status === "failure" ? "ERROR" : "DEFAULT",
  };
  if (event.firstTokenTime !== undefined) {
    generation.completionStartTime = iso(event.firstTokenTime);
  }
  if (event.tokens !== undefined) {
    const usage: Record<string, number> = {
      input: event.tokens.prompt,
      output: event.tokens.completion,
      total: event.tokens.prompt + event.tokens.completion,
    };
    if (event.tokens.cached > 0) usage.input_cached_tokens = event.tokens.cached;
    if (event.tokens.reasoning > 0) usage.output_reasoning_tokens = event.tokens.reasoning;
    generation.usageDetails = usage;
  }
  if (event.cost !== undefined) generation.costDetails = { total: event.cost };
  if (event.status === "failure") {
    generation.statusMessage = event.errorMessage ?? event.errorClass ?? "request failed";
  }
  if (environment !== undefined) generation.environment = environment;
  if (event.messages !== undefined) generation.input = event.messages;
  if (event.response !== undefined) generation.output = event.response;

  return [
    { id: randomUUID(), timestamp: now, type: "trace-create", body: trace },
    { id: randomUUID(), timestamp: now, type: "generation-create", body: generation },
  ];
}

/** LiteLLM's metadata names where it has them, so Langfuse filters built for it keep working. */
function metadataOf(event: RequestEvent): Record<string, unknown> {
  const m: Record<string, unknown> = {
    call_id: event.callId,
    route: event.route,
    call_type: event.callType,
    stream: event.stream,
    requested_model: event.requestedModel,
    cache_hit: event.cacheHit,
    status: event.status,
    http_status: event.httpStatus,
    retries: event.retries,
    fallbacks: [...event.fallbacks],
  };
  put(m, "user_api_key_hash", event.keyHash);
  put(m, "user_api_key_alias", event.keyAlias);
  put(m, "user_api_key_team_id", event.teamId);
  put(m, "user_api_key_team_alias", event.teamAlias);
  put(m, "user_api_key_user_id", event.userId);
  put(m, "user_api_key_org_id", event.orgId);
  put(m, "end_user", event.endUser);
  put(m, "model_group", event.modelGroup);
  put(m, "model_id", event.deploymentId);
  put(m, "api_base", event.apiBase);
  put(m, "provider", event.provider);
  put(m, "response_cost", event.cost);
  put(m, "error_class", event.errorClass);
  put(m, "error_status", event.errorStatus);
  if (event.partial === true) m.partial = true;
  return m;
}

function put(m: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) m[key] = value;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * Splits the events into requests under Langfuse's size limit. An event too large on its own
 * (huge messages) is sent without its input and output rather than refused whole.
 */
function chunkBySize(events: readonly LangfuseIngestionEvent[]): LangfuseIngestionEvent[][] {
  const chunks: LangfuseIngestionEvent[][] = [];
  let current: LangfuseIngestionEvent[] = [];
  let size = 0;
  for (const original of events) {
    let event = original;
    let bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > MAX_REQUEST_BYTES) {
      const { input: _input, output: _output, ...body } = event.body;
      event = {
        ...event,
        body: { ...body, metadata: { ...(body.metadata as object), content_dropped: "too large" } },
      };
      bytes = Buffer.byteLength(JSON.stringify(event));
    }
    if (current.length > 0 && size + bytes > MAX_REQUEST_BYTES) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(event);
    size += bytes + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function parseErrors(text: string): unknown[] {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    return Array.isArray(body.errors) ? body.errors : [];
  } catch {
    return [];
  }
}

function summarize(error: unknown): Record<string, unknown> {
  if (typeof error !== "object" || error === null) return {};
  const { id, status } = error as { id?: unknown; status?: unknown };
  return { id, status };
}
