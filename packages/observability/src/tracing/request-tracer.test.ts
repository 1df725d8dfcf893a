import { afterEach, describe, expect, it, vi } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import {
  deadPort,
  startCaptureServer,
  type CaptureServer,
} from "../__fixtures__/capture-http-server.ts";
import { createRequestTracer, type RequestTracer } from "./request-tracer.ts";
import { otlpTraceConfigFromEnv } from "./otel-env.ts";

// A real OTLP/HTTP receiver on 127.0.0.1 gets what the official OTLP transport sends (the JSON
// encoding); the tests decode it and check the span tree, the parents and the attributes.

const T0 = 1_780_000_000_000; // epoch ms, earlier than this process started on purpose
const PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
}

function spansOf(server: CaptureServer): { spans: OtlpSpan[]; resource: Record<string, unknown> } {
  const spans: OtlpSpan[] = [];
  let resource: Record<string, unknown> = {};
  for (const request of server.requests) {
    const body = JSON.parse(request.body) as {
      resourceSpans: {
        resource: { attributes: OtlpSpan["attributes"] };
        scopeSpans: { spans: OtlpSpan[] }[];
      }[];
    };
    for (const rs of body.resourceSpans) {
      resource = attrs(rs.resource.attributes);
      for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
  }
  return { spans, resource };
}

function attrs(list: OtlpSpan["attributes"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    if ("stringValue" in value) out[key] = value.stringValue;
    else if ("intValue" in value) out[key] = Number(value.intValue);
    else if ("doubleValue" in value) out[key] = value.doubleValue;
    else if ("boolValue" in value) out[key] = value.boolValue;
    else if ("arrayValue" in value) {
      const values = (value.arrayValue as { values?: { stringValue?: string }[] }).values ?? [];
      out[key] = values.map((v) => v.stringValue);
    }
  }
  return out;
}

function baseEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    callId: "call-1",
    route: "/v1/chat/completions",
    callType: "chat",
    stream: false,
    startTime: T0,
    authTiming: { startTime: T0 + 1, endTime: T0 + 5 },
    cacheLookupTiming: { startTime: T0 + 5, endTime: T0 + 7 },
    apiCallStartTime: T0 + 150,
    firstTokenTime: T0 + 400,
    endTime: T0 + 410,
    keyHash: "hash-abc",
    keyAlias: "ci-key",
    teamId: "team-1",
    teamAlias: "platform",
    userId: "user-9",
    requestedModel: "gpt-4o",
    modelGroup: "gpt-4o-backup",
    deploymentId: "dep-2",
    provider: "openai",
    providerModel: "openai/gpt-4o-mini",
    tokens: { prompt: 12, completion: 34, cached: 2, reasoning: 0 },
    cost: 0.00042,
    cacheHit: false,
    retries: 1,
    fallbacks: ["gpt-4o-backup"],
    attempts: [
      {
        deploymentId: "dep-1",
        modelGroup: "gpt-4o",
        startTime: T0 + 10,
        durationMs: 100,
        outcome: "failure",
        errorClass: "RateLimitError",
        errorStatus: 429,
        cooledDown: true,
      },
      {
        deploymentId: "dep-2",
        modelGroup: "gpt-4o-backup",
        startTime: T0 + 150,
        durationMs: 255,
        outcome: "success",
      },
    ],
    status: "success",
    httpStatus: 200,
    tags: ["prod", "team-a"],
    ...overrides,
  };
}

const opened: (CaptureServer | RequestTracer)[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) {
    if ("shutdown" in item) await item.shutdown();
    else await item.close();
  }
});

async function setup(extraEnv: Record<string, string> = {}) {
  const collector = await startCaptureServer();
  opened.push(collector);
  const tracer = createRequestTracer({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/otlp/`,
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20collector-token,x-team=obs",
      OTEL_SERVICE_NAME: "gateway-under-test",
      // JSON, so the spans can be read back; the default (protobuf) has its own test below.
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      ...extraEnv,
    },
    scheduledDelayMillis: 50,
  });
  opened.push(tracer);
  return { collector, tracer };
}

describe("createRequestTracer", () => {
  it("sends OTLP/HTTP protobuf by default, as the spec's default protocol", async () => {
    const collector = await startCaptureServer();
    opened.push(collector);
    const tracer = createRequestTracer({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      scheduledDelayMillis: 50,
    });
    opened.push(tracer);
    tracer.recordRequest(baseEvent(), { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` });
    await tracer.forceFlush();
    expect(collector.requests.length).toBeGreaterThan(0);
    const request = collector.requests[0]!;
    expect(request.path).toBe("/v1/traces");
    expect(request.headers["content-type"]).toBe("application/x-protobuf");
    // No decoder here: protobuf keeps strings as UTF-8 and ids as raw bytes, so both are findable.
    expect(request.raw.includes(Buffer.from(PARENT_TRACE, "hex"))).toBe(true);
    for (const name of ["POST /v1/chat/completions", "gateway.auth", "gen_ai.usage.input_tokens"]) {
      expect(request.raw.includes(Buffer.from(name)), name).toBe(true);
    }
    expect(() => JSON.parse(request.body)).toThrow();
  });

  it("exports the request's span tree, continuing the incoming traceparent", async () => {
    const { collector, tracer } = await setup();
    tracer.recordRequest(baseEvent(), { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` });
    await tracer.forceFlush();

    expect(collector.requests.length).toBeGreaterThan(0);
    const request = collector.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/otlp/v1/traces");
    expect(request.headers["content-type"]).toContain("application/json");
    expect(request.headers.authorization).toBe("Bearer collector-token");
    expect(request.headers["x-team"]).toBe("obs");

    const { spans, resource } = spansOf(collector);
    expect(resource["service.name"]).toBe("gateway-under-test");
    expect(spans.map((s) => s.name).sort()).toEqual([
      "POST /v1/chat/completions",
      "chat gpt-4o",
      "chat gpt-4o-backup",
      "gateway.auth",
      "gateway.cache_lookup",
    ]);
    for (const span of spans) expect(span.traceId).toBe(PARENT_TRACE);

    const server = spans.find((s) => s.name === "POST /v1/chat/completions")!;
    expect(server.parentSpanId).toBe(PARENT_SPAN);
    expect(server.kind).toBe(2); // SERVER
    expect(server.startTimeUnixNano).toBe(String(BigInt(T0) * 1_000_000n));
    expect(server.endTimeUnixNano).toBe(String(BigInt(T0 + 410) * 1_000_000n));
    for (const span of spans.filter((s) => s !== server)) {
      expect(span.parentSpanId).toBe(server.spanId);
    }

    expect(attrs(server.attributes)).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 34,
      "gen_ai.usage.cache_read.input_tokens": 2,
      "http.route": "/v1/chat/completions",
      "http.response.status_code": 200,
      "llm_gateway.cost_usd": 0.00042,
      "llm_gateway.cache_hit": false,
      "llm_gateway.key_alias": "ci-key",
      "llm_gateway.key_hash": "hash-abc",
      "llm_gateway.team_id": "team-1",
      "llm_gateway.team_alias": "platform",
      "llm_gateway.retries": 1,
      "llm_gateway.fallbacks": ["gpt-4o-backup"],
      "llm_gateway.tags": ["prod", "team-a"],
    });
    expect(server.status?.code ?? 0).not.toBe(2);
    // No content unless the event carries it.
    expect(attrs(server.attributes)).not.toHaveProperty("gen_ai.input.messages");

    const failed = spans.find((s) => s.name === "chat gpt-4o")!;
    expect(failed.kind).toBe(3); // CLIENT
    expect(failed.status?.code).toBe(2); // ERROR
    expect(attrs(failed.attributes)).toMatchObject({
      "error.type": "RateLimitError",
      "http.response.status_code": 429,
      "llm_gateway.deployment_id": "dep-1",
      "llm_gateway.attempt": 1,
      "llm_gateway.cooled_down": true,
    });
    const answered = spans.find((s) => s.name === "chat gpt-4o-backup")!;
    expect(attrs(answered.attributes)).toMatchObject({
      "llm_gateway.attempt": 2,
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.output_tokens": 34,
    });
    const auth = spans.find((s) => s.name === "gateway.auth")!;
    expect(auth.startTimeUnixNano).toBe(String(BigInt(T0 + 1) * 1_000_000n));
    expect(auth.endTimeUnixNano).toBe(String(BigInt(T0 + 5) * 1_000_000n));
    expect(tracer.stats()).toMatchObject({ requests: 1, exportedSpans: 5, failedSpans: 0 });
  });

  it("marks a failed request as an error and carries messages only when the event has them", async () => {
    const { collector, tracer } = await setup();
    tracer.recordRequest(
      baseEvent({
        callId: "call-fail",
        status: "failure",
        httpStatus: 502,
        errorClass: "APIConnectionError",
        errorMessage: "upstream closed the connection",
        tokens: undefined,
        cost: undefined,
        attempts: undefined,
        deploymentId: "dep-1",
        messages: [{ role: "user", content: "hello" }],
      }),
    );
    await tracer.forceFlush();
    const { spans } = spansOf(collector);
    const server = spans.find((s) => s.kind === 2)!;
    // A fresh trace: no incoming traceparent.
    expect(server.parentSpanId ?? "").toBe("");
    expect(server.status).toMatchObject({ code: 2, message: "upstream closed the connection" });
    expect(attrs(server.attributes)).toMatchObject({
      "error.type": "APIConnectionError",
      "http.response.status_code": 502,
      "gen_ai.input.messages": JSON.stringify([{ role: "user", content: "hello" }]),
    });
    // No attempt list: one attempt span from the upstream call's start.
    const attempt = spans.find((s) => s.kind === 3)!;
    expect(attempt.status?.code).toBe(2);
    expect(attempt.startTimeUnixNano).toBe(String(BigInt(T0 + 150) * 1_000_000n));
  });

  it("gives a cache hit a lookup span and no upstream span; a malformed traceparent starts a new trace", async () => {
    const { collector, tracer } = await setup();
    tracer.recordRequest(
      baseEvent({
        callId: "call-hit",
        cacheHit: true,
        cacheLookupTiming: undefined,
        attempts: [],
        apiCallStartTime: undefined,
        retries: 0,
        fallbacks: [],
      }),
      { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" },
    );
    await tracer.forceFlush();
    const { spans } = spansOf(collector);
    expect(spans.map((s) => s.name).sort()).toEqual([
      "POST /v1/chat/completions",
      "gateway.auth",
      "gateway.cache_lookup",
    ]);
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.traceId).not.toBe("00000000000000000000000000000000");
    expect(server.parentSpanId ?? "").toBe("");
    const lookup = spans.find((s) => s.name === "gateway.cache_lookup")!;
    expect(attrs(lookup.attributes)["llm_gateway.cache_hit"]).toBe(true);
    expect(lookup.startTimeUnixNano).toBe(String(BigInt(T0 + 5) * 1_000_000n));
  });

  it("records nothing for an upstream trace that is not sampled", async () => {
    const { collector, tracer } = await setup();
    tracer.recordRequest(baseEvent(), { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-00` });
    tracer.recordRequest(baseEvent({ callId: "call-2" }));
    await tracer.forceFlush();
    const { spans } = spansOf(collector);
    expect(spans.length).toBe(5);
    expect(spans.every((s) => s.traceId !== PARENT_TRACE)).toBe(true);
  });

  it("keeps returning with a dead collector: the queue is bounded and failures are counted", async () => {
    const port = await deadPort();
    const tracer = createRequestTracer({
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces` },
      maxQueueSize: 50,
      maxExportBatchSize: 25,
      scheduledDelayMillis: 10,
      exportTimeoutMillis: 500,
    });
    opened.push(tracer);
    const events = 2_000; // 5 spans each: far more than the queue holds
    for (let i = 0; i < events; i += 1) {
      expect(() => tracer.recordRequest(baseEvent({ callId: `c${i}` }))).not.toThrow();
    }
    await tracer.shutdown();
    await vi.waitFor(() => expect(tracer.stats().failedSpans).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    const stats = tracer.stats();
    // Every request was either traced or left out at the full queue, and counted.
    expect(stats.requests + stats.droppedRequests).toBe(events);
    expect(stats.droppedRequests).toBeGreaterThan(0);
    expect(stats.exportedSpans).toBe(0);
    expect(stats.failedSpans).toBeGreaterThan(0);
    // Only what the bounded queue held was ever sent (and failed).
    expect(stats.failedSpans).toBe(stats.requests * 5);
    expect(stats.failedSpans).toBeLessThan(events * 5);
    // After shutdown nothing is recorded (and nothing throws).
    tracer.recordRequest(baseEvent());
    expect(tracer.stats().requests + tracer.stats().droppedRequests).toBe(events);
  }, 20_000);

  it("is off with OTEL_SDK_DISABLED and never throws on a malformed event", async () => {
    const off = createRequestTracer({ env: { OTEL_SDK_DISABLED: "true" } });
    expect(off.enabled).toBe(false);
    off.recordRequest(baseEvent());
    const { tracer } = await setup();
    expect(() =>
      tracer.recordRequest({ ...baseEvent(), fallbacks: null } as unknown as RequestEvent),
    ).not.toThrow();
  });
});

describe("otlpTraceConfigFromEnv", () => {
  it("follows the OTLP exporter spec's precedence and formats", () => {
    expect(otlpTraceConfigFromEnv({}).url).toBe("http://localhost:4318/v1/traces");
    expect(
      otlpTraceConfigFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:9999/custom",
      }).url,
    ).toBe("http://traces:9999/custom");
    const config = otlpTraceConfigFromEnv({
      OTEL_EXPORTER_OTLP_HEADERS: "a=1,Authorization=Basic%20cGs6c2s=,broken",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "a=2",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource,deployment.environment=prod",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect(config.headers).toEqual({ a: "2", Authorization: "Basic cGs6c2s=" });
    expect(config.serviceName).toBe("from-resource");
    expect(config.resourceAttributes["deployment.environment"]).toBe("prod");
    expect(config.unsupportedProtocol).toBe("grpc");
    expect(config.encoding).toBe("protobuf");
    expect(otlpTraceConfigFromEnv({}).encoding).toBe("protobuf");
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).encoding).toBe(
      "json",
    );
    expect(
      otlpTraceConfigFromEnv({
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
      }).encoding,
    ).toBe("protobuf");
  });
});
