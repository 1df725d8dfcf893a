import { afterEach, describe, expect, it } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import {
  startCaptureServer,
  type CaptureServer,
  type CapturedRequest,
} from "../__fixtures__/capture-http-server.ts";
import { LangfuseSink, langfuseOptionsFromEnv } from "./langfuse-sink.ts";
import { SinkQueue } from "./sink-queue.ts";

// A fake Langfuse on 127.0.0.1 records what the sink POSTs; the queue in front of the sink is
// the real one, so retries, drops and failures are the ones the gateway would see.

const PUBLIC_KEY = "pk-lf-test-public";
const SECRET_KEY = "sk-lf-test-secret-do-not-leak";
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

function event(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    callId: "call-1",
    route: "/v1/chat/completions",
    callType: "chat",
    stream: true,
    startTime: T0,
    apiCallStartTime: T0 + 20,
    firstTokenTime: T0 + 300,
    endTime: T0 + 900,
    keyHash: "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
    keyAlias: "ci-key",
    teamId: "team-1",
    teamAlias: "platform",
    userId: "user-9",
    endUser: "customer-42",
    requestedModel: "gpt-4o",
    modelGroup: "gpt-4o",
    deploymentId: "dep-1",
    provider: "openai",
    providerModel: "openai/gpt-4o",
    tokens: { prompt: 10, completion: 20, cached: 4, reasoning: 0 },
    cost: 0.0012,
    cacheHit: false,
    retries: 0,
    fallbacks: [],
    status: "success",
    httpStatus: 200,
    tags: ["prod"],
    ...overrides,
  };
}

interface Envelope {
  id: string;
  timestamp: string;
  type: string;
  body: Record<string, unknown>;
}

function batchOf(request: CapturedRequest): Envelope[] {
  return (JSON.parse(request.body) as { batch: Envelope[] }).batch;
}

const servers: CaptureServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function fakeLangfuse(respond?: Parameters<typeof startCaptureServer>[0]) {
  const server = await startCaptureServer(respond);
  servers.push(server);
  return server;
}

function queueFor(sink: LangfuseSink, capacity = 100) {
  return new SinkQueue(sink, {
    capacity,
    maxBatch: 10,
    flushIntervalMs: 0,
    maxRetries: 1,
    retryBaseMs: 1,
    retryMaxMs: 1,
    deliverTimeoutMs: 5_000,
  });
}

describe("LangfuseSink", () => {
  it("posts a trace and a generation per request to the ingestion API with basic auth", async () => {
    const langfuse = await fakeLangfuse();
    const sink = new LangfuseSink({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      host: `${langfuse.url}/`,
      environment: "staging",
      release: "1.2.3",
    });
    const queue = queueFor(sink);
    queue.publish(event());
    queue.publish(
      event({
        callId: "call-2",
        stream: false,
        messages: [{ role: "user", content: "hi" }],
        response: { role: "assistant", content: "hello" },
      }),
    );
    queue.publish(
      event({
        callId: "call-3",
        status: "failure",
        httpStatus: 429,
        errorClass: "RateLimitError",
        errorMessage: "rate limited",
        tokens: undefined,
        cost: undefined,
        firstTokenTime: undefined,
      }),
    );
    expect(await queue.close({ flushTimeoutMs: 10_000 })).toEqual({ drained: true, abandoned: 0 });
    expect(queue.stats()).toMatchObject({ delivered: 3, failed: 0, dropped: 0 });

    expect(langfuse.requests.length).toBe(1);
    const request = langfuse.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/public/ingestion");
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString("base64")}`,
    );
    expect(request.headers["content-type"]).toBe("application/json");
    // The secret goes only in the header, never in the payload.
    expect(request.body).not.toContain(SECRET_KEY);

    const batch = batchOf(request);
    expect(batch.map((e) => e.type)).toEqual([
      "trace-create",
      "generation-create",
      "trace-create",
      "generation-create",
      "trace-create",
      "generation-create",
    ]);
    expect(new Set(batch.map((e) => e.id)).size).toBe(6);
    for (const envelope of batch) expect(Number.isNaN(Date.parse(envelope.timestamp))).toBe(false);

    const [trace, generation] = batch;
    expect(trace!.body).toMatchObject({
      id: "call-1",
      name: "litellm-chat",
      userId: "customer-42",
      tags: ["prod"],
      environment: "staging",
      release: "1.2.3",
      timestamp: new Date(T0).toISOString(),
      metadata: {
        user_api_key_alias: "ci-key",
        user_api_key_team_id: "team-1",
        user_api_key_team_alias: "platform",
        user_api_key_user_id: "user-9",
        model_group: "gpt-4o",
        model_id: "dep-1",
        cache_hit: false,
      },
    });
    expect(trace!.body).not.toHaveProperty("input");
    expect(generation!.body).toMatchObject({
      id: "call-1-generation",
      traceId: "call-1",
      model: "openai/gpt-4o",
      startTime: new Date(T0 + 20).toISOString(),
      completionStartTime: new Date(T0 + 300).toISOString(),
      endTime: new Date(T0 + 900).toISOString(),
      usageDetails: { input: 10, output: 20, total: 30, input_cached_tokens: 4 },
      costDetails: { total: 0.0012 },
      level: "DEFAULT",
      environment: "staging",
    });
    expect(generation!.body).not.toHaveProperty("input");
    expect(generation!.body).not.toHaveProperty("output");

    // Content only for the event that carries it.
    expect(batch[2]!.body).toMatchObject({ input: [{ role: "user", content: "hi" }] });
    expect(batch[3]!.body).toMatchObject({
      input: [{ role: "user", content: "hi" }],
      output: { role: "assistant", content: "hello" },
    });

    expect(batch[5]!.body).toMatchObject({
      level: "ERROR",
      statusMessage: "rate limited",
      metadata: { error_class: "RateLimitError", http_status: 429 },
    });
    expect(batch[5]!.body).not.toHaveProperty("usageDetails");
    expect(batch[5]!.body).not.toHaveProperty("completionStartTime");
  });

  it("counts events Langfuse refuses in a 207 without retrying them", async () => {
    const langfuse = await fakeLangfuse((req) => {
      const batch = batchOf(req);
      return {
        status: 207,
        body: {
          successes: batch.slice(1).map((e) => ({ id: e.id, status: 201 })),
          errors: [{ id: batch[0]!.id, status: 400, message: "invalid body" }],
        },
      };
    });
    const sink = new LangfuseSink({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      host: langfuse.url,
    });
    const queue = queueFor(sink);
    queue.publish(event());
    await queue.close({ flushTimeoutMs: 10_000 });
    expect(langfuse.requests.length).toBe(1);
    expect(sink.rejectedEvents()).toBe(1);
    expect(queue.stats()).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("rejects wrong keys so the queue retries and then counts the batch as failed", async () => {
    const langfuse = await fakeLangfuse(() => ({
      status: 401,
      body: { message: "Invalid credentials" },
    }));
    const sink = new LangfuseSink({
      publicKey: PUBLIC_KEY,
      secretKey: "wrong",
      host: langfuse.url,
    });
    const queue = queueFor(sink);
    queue.publish(event());
    queue.publish(event({ callId: "call-2" }));
    await queue.close({ flushTimeoutMs: 10_000 });
    expect(langfuse.requests.length).toBe(2); // the first try and maxRetries = 1
    expect(queue.stats()).toMatchObject({ delivered: 0, failed: 2, deliveryErrors: 2 });
  });

  it("keeps accepting a bounded number of events after Langfuse dies, counting drops and failures", async () => {
    const langfuse = await fakeLangfuse();
    const sink = new LangfuseSink({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      host: langfuse.url,
    });
    const queue = queueFor(sink, 20);
    queue.publish(event({ callId: "before" }));
    await langfuse.waitFor(1);
    await langfuse.close();
    servers.splice(0);

    const results: boolean[] = [];
    for (let i = 0; i < 50; i += 1) {
      expect(() => results.push(queue.publish(event({ callId: `after-${i}` })))).not.toThrow();
    }
    // The queue holds 20: the rest are refused at once, never waited for.
    expect(results.filter(Boolean).length).toBeLessThanOrEqual(20);
    await queue.close({ flushTimeoutMs: 10_000 });
    const stats = queue.stats();
    expect(stats.delivered).toBe(1);
    expect(stats.dropped + stats.failed).toBe(50);
    expect(stats.dropped).toBeGreaterThanOrEqual(30);
    expect(stats.failed).toBeGreaterThan(0);
  });

  it("sends an event too large for one request without its content", async () => {
    const langfuse = await fakeLangfuse();
    const sink = new LangfuseSink({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      host: langfuse.url,
    });
    await sink.deliver([event({ messages: [{ role: "user", content: "x".repeat(3_200_000) }] })]);
    const batch = langfuse.requests.flatMap(batchOf);
    expect(batch.map((e) => e.type)).toEqual(["trace-create", "generation-create"]);
    for (const envelope of batch) {
      expect(envelope.body).not.toHaveProperty("input");
      expect(envelope.body).toMatchObject({ metadata: { content_dropped: "too large" } });
    }
  });
});

describe("langfuseOptionsFromEnv", () => {
  it("needs both keys and takes the host when set", () => {
    expect(langfuseOptionsFromEnv({ LANGFUSE_PUBLIC_KEY: PUBLIC_KEY })).toBeUndefined();
    expect(
      langfuseOptionsFromEnv({ LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_PUBLIC_KEY: " " }),
    ).toBeUndefined();
    expect(
      langfuseOptionsFromEnv({
        LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
        LANGFUSE_SECRET_KEY: SECRET_KEY,
        LANGFUSE_HOST: "http://127.0.0.1:3000",
      }),
    ).toEqual({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, host: "http://127.0.0.1:3000" });
    expect(() => new LangfuseSink({ publicKey: "", secretKey: SECRET_KEY })).toThrow(
      /public and a secret/,
    );
  });
});
