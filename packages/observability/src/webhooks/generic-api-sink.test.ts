import { afterEach, describe, expect, it } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import { SinkQueue } from "../sinks/sink-queue.ts";
import {
  deadReceiverUrl,
  startFakeWebhookReceiver,
  type FakeWebhookReceiver,
} from "./fake-webhook-receiver.ts";
import { createGenericApiSink, parseGenericLoggerHeaders } from "./generic-api-sink.ts";
import type { StandardLoggingPayload } from "./standard-logging-payload.ts";

// A real HTTP receiver on 127.0.0.1; retries use a 1 ms backoff so the tests count requests,
// never durations.

const SECRET_KEY = "sk-live-virtual-key-0123456789";

function event(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    callId: "call-1",
    route: "/v1/chat/completions",
    callType: "chat",
    stream: true,
    startTime: 1_700_000_000_000,
    apiCallStartTime: 1_700_000_000_010,
    firstTokenTime: 1_700_000_000_250,
    endTime: 1_700_000_001_000,
    keyHash: "hash-abc",
    keyAlias: "prod-key",
    teamId: "team-1",
    teamAlias: "Search",
    userId: "user-1",
    endUser: "customer-9",
    orgId: "org-1",
    requestedModel: "gpt-4o",
    modelGroup: "gpt-4o",
    deploymentId: "dep-1",
    provider: "openai",
    providerModel: "openai/gpt-4o",
    apiBase: "https://api.openai.com/v1",
    tokens: { prompt: 100, completion: 20, cached: 40, reasoning: 5 },
    cost: 0.00125,
    cacheHit: false,
    retries: 1,
    fallbacks: ["gpt-4o-mini"],
    status: "success",
    httpStatus: 200,
    tags: ["prod"],
    ...overrides,
  };
}

const queueOptions = { flushIntervalMs: 0, retryBaseMs: 1, retryMaxMs: 2, maxRetries: 2 };

let receiver: FakeWebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("generic_api sink", () => {
  it("POSTs a JSON array of StandardLoggingPayloads with the configured headers", async () => {
    receiver = await startFakeWebhookReceiver();
    const sink = createGenericApiSink({
      name: "my_api",
      endpoint: receiver.url,
      headers: { Authorization: "Bearer receiver-token", "X-Team": "obs" },
    });
    const queue = new SinkQueue(sink, { ...queueOptions, maxBatch: 10 });
    // A caller smuggling the raw key onto the event object must not get it through.
    const smuggled = { ...event(), apiKey: SECRET_KEY, user_api_key: SECRET_KEY } as RequestEvent;
    queue.publish(smuggled);
    queue.publish(
      event({
        callId: "call-2",
        status: "failure",
        httpStatus: 429,
        errorClass: "RateLimitError",
        errorStatus: 429,
        errorMessage: `rate limited for key ${SECRET_KEY}`,
        tokens: undefined,
        cost: undefined,
      }),
    );
    await queue.close({ flushTimeoutMs: 5_000 });

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hook");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["authorization"]).toBe("Bearer receiver-token");
    expect(request.headers["x-team"]).toBe("obs");
    expect(request.body).not.toContain(SECRET_KEY);

    const [ok, failed] = JSON.parse(request.body) as StandardLoggingPayload[];
    expect(ok).toMatchObject({
      id: "call-1",
      trace_id: "call-1",
      call_type: "acompletion",
      stream: true,
      status: "success",
      response_cost: 0.00125,
      custom_llm_provider: "openai",
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      startTime: 1_700_000_000,
      endTime: 1_700_000_001,
      completionStartTime: 1_700_000_000.25,
      response_time: 1,
      model: "openai/gpt-4o",
      model_id: "dep-1",
      model_group: "gpt-4o",
      api_base: "https://api.openai.com/v1",
      cache_hit: false,
      request_tags: ["prod"],
      end_user: "customer-9",
      messages: null,
      response: null,
      error_str: null,
      error_information: null,
      metadata: {
        user_api_key_hash: "hash-abc",
        user_api_key_alias: "prod-key",
        user_api_key_team_id: "team-1",
        user_api_key_team_alias: "Search",
        user_api_key_user_id: "user-1",
        user_api_key_org_id: "org-1",
        user_api_key_end_user_id: "customer-9",
        requested_model: "gpt-4o",
        attempted_retries: 1,
        attempted_fallbacks: ["gpt-4o-mini"],
        usage_object: {
          prompt_tokens_details: { cached_tokens: 40 },
          completion_tokens_details: { reasoning_tokens: 5 },
        },
      },
    });
    expect(failed).toMatchObject({
      id: "call-2",
      status: "failure",
      response_cost: 0,
      total_tokens: 0,
      error_information: {
        error_code: "429",
        error_class: "RateLimitError",
        llm_provider: "openai",
      },
    });
    expect(failed!.error_str).toContain("[REDACTED]");
    expect(failed!.metadata.usage_object).toBeNull();
  });

  it("sends messages and response only when the event carries them, and never with withoutContent", async () => {
    receiver = await startFakeWebhookReceiver();
    const withContent = event({ messages: [{ role: "user", content: "hi" }], response: "hello" });
    const plain = new SinkQueue(createGenericApiSink({ endpoint: receiver.url }), queueOptions);
    plain.publish(withContent);
    await plain.close();
    const stripped = new SinkQueue(
      createGenericApiSink({ endpoint: receiver.url, withoutContent: true }),
      queueOptions,
    );
    stripped.publish(withContent);
    await stripped.close();

    const [first, second] = receiver.requests.map(
      (r) => (JSON.parse(r.body) as StandardLoggingPayload[])[0]!,
    );
    expect(first!.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(first!.response).toBe("hello");
    expect(second!.messages).toBeNull();
    expect(second!.response).toBeNull();
  });

  it("retries a 5xx, a 429 and a 408 through the queue until the receiver takes the batch", async () => {
    const statuses = [503, 429, 408, 200];
    receiver = await startFakeWebhookReceiver((_req, i) => statuses[i] ?? 200);
    const sink = createGenericApiSink({ endpoint: receiver.url });
    const queue = new SinkQueue(sink, { ...queueOptions, maxRetries: 5 });
    queue.publish(event());
    await queue.close({ flushTimeoutMs: 5_000 });
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(queue.stats()).toMatchObject({ delivered: 1, failed: 0, deliveryErrors: 3 });
    expect(sink.rejected()).toBe(0);
  });

  it("drops a batch the receiver refuses with a 4xx once, without retrying it", async () => {
    receiver = await startFakeWebhookReceiver(() => 401);
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn(message: string) {
        warnings.push(message);
      },
      error() {},
      child: () => logger,
    };
    const sink = createGenericApiSink({
      endpoint: receiver.url,
      headers: { Authorization: "Bearer wrong" },
      logger,
    });
    const queue = new SinkQueue(sink, { ...queueOptions, maxBatch: 2, maxRetries: 5 });
    queue.publish(event({ callId: "a" }));
    queue.publish(event({ callId: "b" }));
    await queue.close({ flushTimeoutMs: 5_000 });
    expect(receiver.requests).toHaveLength(1);
    expect(sink.rejected()).toBe(2);
    expect(queue.stats()).toMatchObject({ deliveryErrors: 0, failed: 0 });
    expect(warnings).toEqual(["generic_api receiver refused the payload: dropped, not retried"]);
  });

  it("a dead endpoint never throws into publish: the queue gives the batch up and counts it", async () => {
    const sink = createGenericApiSink({ endpoint: await deadReceiverUrl() });
    const queue = new SinkQueue(sink, queueOptions);
    for (let i = 0; i < 5; i += 1) expect(queue.publish(event({ callId: `c${i}` }))).toBe(true);
    await queue.close({ flushTimeoutMs: 5_000 });
    expect(queue.stats()).toMatchObject({ delivered: 0, failed: 5, deliveryErrors: 3 });
  });

  it("filters by event_types and writes ndjson when asked", async () => {
    receiver = await startFakeWebhookReceiver();
    const sink = createGenericApiSink({
      endpoint: receiver.url,
      eventTypes: ["llm_api_failure"],
      logFormat: "ndjson",
    });
    const queue = new SinkQueue(sink, { ...queueOptions, maxBatch: 10 });
    queue.publish(event({ callId: "ok" }));
    queue.publish(event({ callId: "bad-1", status: "failure", httpStatus: 500 }));
    queue.publish(event({ callId: "bad-2", status: "failure", httpStatus: 502 }));
    await queue.close();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers["content-type"]).toBe("application/x-ndjson");
    const lines = receiver.requests[0]!.body.trim().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as StandardLoggingPayload).id)).toEqual([
      "bad-1",
      "bad-2",
    ]);
  });

  it("log_format single: a retried batch does not re-send the events already accepted", async () => {
    // The second POST fails once: the retry must resume at the second event.
    receiver = await startFakeWebhookReceiver((_req, i) => (i === 1 ? 500 : 200));
    const sink = createGenericApiSink({ endpoint: receiver.url, logFormat: "single" });
    const queue = new SinkQueue(sink, { ...queueOptions, maxBatch: 3 });
    for (const id of ["a", "b", "c"]) queue.publish(event({ callId: id }));
    await queue.close();
    const ids = receiver.requests.map((r) => (JSON.parse(r.body) as StandardLoggingPayload).id);
    expect(ids).toEqual(["a", "b", "b", "c"]);
    expect(queue.stats()).toMatchObject({ delivered: 3, failed: 0 });
  });

  it("refuses an endpoint that is not a URL", () => {
    expect(() => createGenericApiSink({ endpoint: "not a url" })).toThrow(/not a URL/);
  });
});

describe("parseGenericLoggerHeaders", () => {
  it("reads LiteLLM's Name=value,Name=value form, values may contain '='", () => {
    expect(parseGenericLoggerHeaders("Authorization=Bearer abc==, X-Org = acme ,")).toEqual({
      Authorization: "Bearer abc==",
      "X-Org": "acme",
    });
    expect(parseGenericLoggerHeaders(undefined)).toEqual({});
    expect(parseGenericLoggerHeaders("  ")).toEqual({});
  });

  it("refuses a pair without a name instead of silently sending no auth header", () => {
    expect(() => parseGenericLoggerHeaders("Authorization Bearer abc")).toThrow(/Name=value/);
    expect(() => parseGenericLoggerHeaders("=abc")).toThrow(/Name=value/);
  });
});
