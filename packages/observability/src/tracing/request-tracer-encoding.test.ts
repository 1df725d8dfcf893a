import { afterEach, describe, expect, it } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import type { Logger } from "../logger/logger.ts";
import { startCaptureServer, type CaptureServer } from "../__fixtures__/capture-http-server.ts";
import { decodeOtlpTraces } from "../__fixtures__/otlp-protobuf-decode.ts";
import { createRequestTracer, type RequestTracer } from "./request-tracer.ts";

// The protobuf body (the default, and what a collector gets in production) is written by our
// own encoder: decoded from the wire format, it must carry exactly the spans the JSON body
// carries (which request-tracer.test.ts checks attribute by attribute), on every kind of
// request. And OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG decide which requests are traced.

const T0 = 1_780_000_000_000;
const PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";

function event(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    callId: "call-1",
    route: "/v1/chat/completions",
    callType: "chat",
    stream: true,
    startTime: T0 + 0.5, // doubles near 1.8e12 hold about a quarter of a microsecond
    authTiming: { startTime: T0 + 1, endTime: T0 + 5.5 },
    cacheLookupTiming: { startTime: T0 + 5.5, endTime: T0 + 7 },
    apiCallStartTime: T0 + 150,
    firstTokenTime: T0 + 140, // before the start of the call: a negative duration is still encoded
    endTime: T0 + 410.25,
    keyHash: "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
    keyAlias: "clé-équipe-🔑",
    teamId: "team-1",
    requestedModel: "gpt-4o",
    modelGroup: "gpt-4o-backup",
    deploymentId: "dep-2",
    provider: "azure",
    providerModel: "azure/gpt-4o-mini",
    tokens: { prompt: 12, completion: 2 ** 40, cached: 2, reasoning: 7, estimated: true },
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
    tags: ["prod", "x".repeat(300)],
    // Long enough that its attribute's length takes two varint bytes, with multi-byte UTF-8.
    messages: [{ role: "user", content: "héllo ✓ ".repeat(40) }],
    ...overrides,
  };
}

const EVENTS: [RequestEvent, { traceparent?: string; tracestate?: string }][] = [
  [
    event(),
    { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01`, tracestate: "vendor=a,other=b" },
  ],
  [
    event({
      callId: "call-fail",
      stream: false,
      status: "failure",
      httpStatus: 502,
      errorClass: "APIConnectionError",
      errorMessage: "upstream closed the connection",
      errorStatus: 502,
      tokens: undefined,
      cost: undefined,
      attempts: undefined,
      partial: true,
    }),
    {},
  ],
  [
    event({
      callId: "call-hit",
      cacheHit: true,
      cacheLookupTiming: undefined,
      attempts: [],
      apiCallStartTime: undefined,
      fallbacks: [],
      tags: [],
      messages: undefined,
      cost: 0,
    }),
    { traceparent: "00-not-a-valid-traceparent" },
  ],
];

/** Span and new trace ids are random: each becomes its place of first appearance. */
function normalise(body: unknown) {
  const labels = new Map<string, string>();
  const label = (id: string | undefined) => {
    if (id === undefined || id === PARENT_TRACE || id === PARENT_SPAN) return id;
    if (!labels.has(id)) labels.set(id, `#${labels.size}`);
    return labels.get(id);
  };
  const b = body as ReturnType<typeof decodeOtlpTraces>;
  return b.resourceSpans.map((rs) => ({
    resource: rs.resource.attributes,
    scopeSpans: rs.scopeSpans.map((ss) => ({
      scope: ss.scope.name,
      spans: ss.spans.map((s) => ({
        traceId: label(s.traceId),
        spanId: label(s.spanId),
        parentSpanId: label(s.parentSpanId),
        traceState: s.traceState,
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: s.startTimeUnixNano,
        endTimeUnixNano: s.endTimeUnixNano,
        attributes: s.attributes,
        status: s.status,
      })),
    })),
  }));
}

const opened: (CaptureServer | RequestTracer)[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) {
    if ("shutdown" in item) await item.shutdown();
    else await item.close();
  }
});

async function traced(env: Record<string, string>, logger?: Logger) {
  const collector = await startCaptureServer();
  opened.push(collector);
  const tracer = createRequestTracer({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=ci,team=ünï",
      ...env,
    },
    scheduledDelayMillis: 50,
    ...(logger ? { logger } : {}),
  });
  opened.push(tracer);
  return { collector, tracer };
}

describe("OTLP protobuf body", () => {
  it("carries exactly the spans of the JSON body, for traced, failed and cached requests", async () => {
    const proto = await traced({});
    const json = await traced({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    for (const { tracer } of [proto, json]) {
      for (const [e, parent] of EVENTS) tracer.recordRequest(e, parent);
      await tracer.forceFlush();
    }
    expect(proto.collector.requests.length).toBe(1);
    expect(json.collector.requests.length).toBe(1);
    const decoded = decodeOtlpTraces(proto.collector.requests[0]!.raw);
    const fromJson = JSON.parse(json.collector.requests[0]!.body) as unknown;
    expect(normalise(decoded)).toEqual(normalise(fromJson));

    // And what it carries is the request, not just something equal to the JSON.
    const spans = decoded.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans).toHaveLength(5 + 4 + 3);
    expect(spans[0]).toMatchObject({
      traceId: PARENT_TRACE,
      parentSpanId: PARENT_SPAN,
      traceState: "vendor=a,other=b",
      name: "POST /v1/chat/completions",
      kind: 2,
      startTimeUnixNano: "1780000000000500000",
      endTimeUnixNano: "1780000000410250000",
    });
    const attrs = Object.fromEntries(spans[0]!.attributes.map((a) => [a.key, a.value]));
    expect(attrs["gen_ai.usage.output_tokens"]).toEqual({ intValue: 2 ** 40 });
    expect(attrs["llm_gateway.cost_usd"]).toEqual({ doubleValue: 0.00042 });
    expect(attrs["llm_gateway.key_alias"]).toEqual({ stringValue: "clé-équipe-🔑" });
    expect(attrs["llm_gateway.time_to_first_token_ms"]!.doubleValue).toBe(139.5);
    expect(attrs["gen_ai.provider.name"]).toEqual({ stringValue: "azure.ai.openai" });
    expect(attrs["llm_gateway.tags"]).toEqual({
      arrayValue: { values: [{ stringValue: "prod" }, { stringValue: "x".repeat(300) }] },
    });
    expect(decoded.resourceSpans[0]!.resource.attributes).toEqual(
      expect.arrayContaining([
        { key: "service.name", value: { stringValue: "llm-gateway" } },
        { key: "team", value: { stringValue: "ünï" } },
      ]),
    );
    expect(proto.tracer.stats()).toMatchObject({ requests: 3, exportedSpans: 12 });
  });

  it("splits a long run into bodies of about maxExportBatchSize spans, each one valid", async () => {
    const collector = await startCaptureServer();
    opened.push(collector);
    const tracer = createRequestTracer({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      maxExportBatchSize: 100,
      maxQueueSize: 100_000,
    });
    opened.push(tracer);
    for (let i = 0; i < 300; i += 1) tracer.recordRequest(event({ callId: `c${i}` }));
    await tracer.forceFlush();
    const bodies = collector.requests.map((r) => decodeOtlpTraces(r.raw));
    const counts = bodies.map((b) => b.resourceSpans[0]!.scopeSpans[0]!.spans.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300 * 5);
    // A batch closes at the first request that reaches the size (5 spans a request here).
    for (const n of counts) expect(n).toBeLessThanOrEqual(100);
    const callIds = bodies.flatMap((b) =>
      b.resourceSpans[0]!.scopeSpans[0]!.spans.flatMap((s) =>
        s.attributes.filter((a) => a.key === "llm_gateway.call_id").map((a) => a.value.stringValue),
      ),
    );
    expect(new Set(callIds).size).toBe(300);
    expect(tracer.stats()).toMatchObject({
      requests: 300,
      exportedSpans: 1500,
      droppedRequests: 0,
    });
  });

  it("drops a malformed request's spans whole: the others in the body stay valid", async () => {
    const { collector, tracer } = await traced({});
    tracer.recordRequest(event({ callId: "before" }));
    // Fails after its server span was written (the attempts are read last).
    tracer.recordRequest({
      ...event({ callId: "bad" }),
      attempts: [null],
    } as unknown as RequestEvent);
    tracer.recordRequest(event({ callId: "after" }));
    await tracer.forceFlush();
    const spans = decodeOtlpTraces(collector.requests[0]!.raw).resourceSpans[0]!.scopeSpans[0]!
      .spans;
    const ids = spans.flatMap((s) =>
      s.attributes.filter((a) => a.key === "llm_gateway.call_id").map((a) => a.value.stringValue),
    );
    expect(ids).toEqual(["before", "after"]);
    expect(spans).toHaveLength(10);
    expect(tracer.stats().requests).toBe(2);
  });
});

describe("OTEL_TRACES_SAMPLER", () => {
  const sampledParent = { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` };

  async function traceIds(env: Record<string, string>, requests: number, parent = {}) {
    const { collector, tracer } = await traced(env);
    for (let i = 0; i < requests; i += 1) tracer.recordRequest(event({ callId: `c${i}` }), parent);
    await tracer.forceFlush();
    const spans = collector.requests.flatMap(
      (r) => decodeOtlpTraces(r.raw).resourceSpans[0]!.scopeSpans[0]!.spans,
    );
    return { servers: spans.filter((s) => s.kind === 2), spans, tracer };
  }

  it("traceidratio keeps about that share of new traces, each whole", async () => {
    const { servers, spans, tracer } = await traceIds(
      { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" },
      400,
    );
    // Binomial(400, 0.25): mean 100, sd 8.7; these bounds are 6 sd away.
    expect(servers.length).toBeGreaterThan(48);
    expect(servers.length).toBeLessThan(152);
    expect(spans.length).toBe(servers.length * 5);
    expect(tracer.stats().requests).toBe(servers.length);
  });

  it("a sampled caller's trace is kept under parentbased_traceidratio 0, not under traceidratio 0", async () => {
    const parentBased = await traceIds(
      { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" },
      3,
      sampledParent,
    );
    expect(parentBased.servers.map((s) => s.traceId)).toEqual(Array(3).fill(PARENT_TRACE));
    const rootOnly = await traceIds(
      { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" },
      3,
      sampledParent,
    );
    expect(rootOnly.servers).toEqual([]);
    const off = await traceIds({ OTEL_TRACES_SAMPLER: "always_off" }, 3);
    expect(off.servers).toEqual([]);
    const on = await traceIds({ OTEL_TRACES_SAMPLER: "always_on" }, 2, {
      traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-00`,
    });
    // always_on ignores the caller's "not sampled" flag (parentbased_always_on, the default, does not).
    expect(on.servers.length).toBe(2);
  });

  it("an unknown sampler or a bad ratio is a warning and the default, never a crash", async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (m) => void warnings.push(m),
      error: () => undefined,
      child: () => logger,
    };
    const bad = await traced({ OTEL_TRACES_SAMPLER: "jaeger_remote" }, logger);
    const ratio = await traced(
      { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" },
      logger,
    );
    for (const { tracer } of [bad, ratio]) {
      tracer.recordRequest(event());
      await tracer.forceFlush();
      expect(tracer.stats().requests).toBe(1);
    }
    expect(warnings).toEqual([
      expect.stringContaining("jaeger_remote is not supported"),
      expect.stringContaining("1.5 is not a ratio from 0 to 1"),
    ]);
  });
});
