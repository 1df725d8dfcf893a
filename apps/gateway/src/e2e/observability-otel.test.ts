import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startCaptureServer, type CaptureServer } from "@org/observability/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { otlpSpans, spanAttributes, type OtlpSpan } from "../testing/otlp-spans.ts";

// `litellm_settings.callbacks: ["otel"]` with the standard OTEL_EXPORTER_OTLP_* variables: an
// OTLP/HTTP collector on 127.0.0.1 gets a SERVER span per request with a CLIENT child per
// upstream attempt and GenAI attributes, and an incoming W3C traceparent is continued.

const PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";
const REFUSED_TRACE = "5bf92f3577b34da6a3ce929d0e0e4737";

// Each test starts its own gateway (an embedded database boot): a longer timeout than the default.

describe("OpenTelemetry traces (callbacks: otel)", () => {
  let upstream: FakeServer;
  let collector: CaptureServer;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    collector = await startCaptureServer();
  });
  afterAll(async () => {
    await gateway?.close();
    await collector?.close();
    await upstream?.close();
  });

  it(
    "exports the span tree over OTLP/HTTP and continues the caller's trace",
    { timeout: 120_000 },
    async () => {
      const params = {
        model: "openai/gpt-4o",
        api_key: "sk-upstream",
        api_base: `${upstream.url}/v1`,
      };
      gateway = await startTestGateway({
        config: {
          model_list: [
            { model_name: "gpt-4o", litellm_params: params },
            { model_name: "flaky", litellm_params: params },
          ],
          router_settings: { num_retries: 0, fallbacks: [{ flaky: ["gpt-4o"] }] },
          litellm_settings: {
            callbacks: ["otel"],
            cache: true,
            cache_params: { type: "local", ttl: 600 },
          },
        },
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          // JSON so the test reads the spans back (the default is protobuf).
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_SERVICE_NAME: "gateway-e2e",
        },
      });
      expect(gateway.warnings.join("\n")).not.toMatch(/callbacks/);
      const openai = new OpenAI({
        apiKey: gateway.masterKey,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      });

      const traced = await openai.chat.completions
        .create(
          { model: "gpt-4o", messages: [{ role: "user", content: "traced" }] },
          { headers: { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` } },
        )
        .withResponse();
      // flaky's upstream answers 500; the fallback to gpt-4o answers: two attempts, one trace.
      upstream.enqueue(() => openaiError(500, { message: "boom" }));
      const fellBack = await openai.chat.completions
        .create({ model: "flaky", messages: [{ role: "user", content: "fallback" }] })
        .withResponse();
      // The traced request again: a cache hit (its trace has the lookup, no upstream attempt).
      const hit = await openai.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "traced" }] })
        .withResponse();
      expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
      // A key that does not exist: refused at auth, before the router; it still gets its span.
      const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk-no-such-key",
          "content-type": "application/json",
          traceparent: `00-${REFUSED_TRACE}-${PARENT_SPAN}-01`,
        },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }),
      });
      expect(refused.status).toBe(401);

      // Shutdown exports what the batch processor still holds.
      await gateway.close();
      gateway = undefined;

      expect(collector.requests.length).toBeGreaterThan(0);
      expect(collector.requests[0]!.path).toBe("/v1/traces");
      const spans = otlpSpans(collector.requests);
      const servers = spans.filter((s) => s.kind === 2);
      expect(servers).toHaveLength(4);
      // The refused request: a server span in its caller's trace, an error with the 401, no children.
      const refusedServer = servers.find((s) => s.traceId === REFUSED_TRACE)!;
      expect(refusedServer, "the refused request's server span").toBeDefined();
      expect(refusedServer.parentSpanId).toBe(PARENT_SPAN);
      expect(refusedServer.status?.code).toBe(2); // ERROR
      expect(spanAttributes(refusedServer)["http.response.status_code"]).toBe(401);
      expect(spans.filter((s) => s.parentSpanId === refusedServer.spanId)).toEqual([]);
      const nanos = (t: string | number) => BigInt(t);
      const within = (child: OtlpSpan, parent: OtlpSpan) => {
        expect(nanos(child.startTimeUnixNano) >= nanos(parent.startTimeUnixNano)).toBe(true);
        expect(nanos(child.endTimeUnixNano) <= nanos(parent.endTimeUnixNano)).toBe(true);
      };

      // The traced request: its server span continues the incoming trace under the caller's span.
      const server = servers.find((s) => s.traceId === PARENT_TRACE)!;
      expect(server, "a server span in the caller's trace").toBeDefined();
      expect(server.parentSpanId).toBe(PARENT_SPAN);
      expect(server.name).toBe("POST /v1/chat/completions");
      const usage = traced.data.usage!;
      expect(spanAttributes(server)).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": usage.prompt_tokens,
        "gen_ai.usage.output_tokens": usage.completion_tokens,
      });
      // Children: the checks (auth, budgets, limits), the cache lookup (a miss), the attempt.
      const children = spans.filter((s) => s.parentSpanId === server.spanId);
      expect(children.map((s) => s.name).sort()).toEqual([
        "chat gpt-4o",
        "gateway.auth",
        "gateway.cache_lookup",
      ]);
      for (const child of children) {
        expect(child.traceId).toBe(PARENT_TRACE);
        within(child, server);
      }
      const byName = (list: OtlpSpan[], name: string) => list.find((s) => s.name === name)!;
      const auth = byName(children, "gateway.auth");
      const lookup = byName(children, "gateway.cache_lookup");
      const call = byName(children, "chat gpt-4o");
      // In order: the checks end before the lookup starts, the lookup before the upstream call.
      expect(nanos(auth.endTimeUnixNano) <= nanos(lookup.startTimeUnixNano)).toBe(true);
      expect(nanos(lookup.endTimeUnixNano) <= nanos(call.startTimeUnixNano)).toBe(true);
      expect(spanAttributes(lookup)["llm_gateway.cache_hit"]).toBe(false);
      expect(call.kind).toBe(3);
      expect(spanAttributes(call)).toMatchObject({
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.output_tokens": usage.completion_tokens,
        "llm_gateway.outcome": "success",
      });

      // The cache hit: the checks and a lookup that hit, no upstream attempt.
      const hitServer = servers.find(
        (s) =>
          s !== server &&
          s !== refusedServer &&
          spanAttributes(s)["llm_gateway.cache_hit"] === true,
      )!;
      expect(hitServer, "the cache hit's server span").toBeDefined();
      const hitChildren = spans.filter((s) => s.parentSpanId === hitServer.spanId);
      expect(hitChildren.map((s) => s.name).sort()).toEqual([
        "gateway.auth",
        "gateway.cache_lookup",
      ]);
      expect(
        spanAttributes(byName(hitChildren, "gateway.cache_lookup"))["llm_gateway.cache_hit"],
      ).toBe(true);

      // The fallback: a new trace (no traceparent), one failed attempt then the one that answered.
      const other = servers.find((s) => s !== server && s !== hitServer && s !== refusedServer)!;
      expect(other.traceId).not.toBe(PARENT_TRACE);
      expect(other.parentSpanId ?? "").toBe("");
      const attempts = spans.filter((s) => s.parentSpanId === other.spanId && s.kind === 3);
      expect(attempts.map((s) => spanAttributes(s)["llm_gateway.outcome"]).sort()).toEqual([
        "failure",
        "success",
      ]);
      const answered = attempts.find(
        (s) => spanAttributes(s)["llm_gateway.outcome"] === "success",
      )!;
      expect(spanAttributes(answered)["gen_ai.usage.input_tokens"]).toBe(
        fellBack.data.usage!.prompt_tokens,
      );
      const failed = attempts.find((s) => s !== answered)!;
      expect(failed.status?.code).toBe(2); // ERROR
      expect(spanAttributes(failed)["http.response.status_code"]).toBe(500);
    },
  );

  it(
    "ignores a malformed traceparent (a new trace, the request still answered)",
    { timeout: 120_000 },
    async () => {
      const own = await startCaptureServer();
      const gw = await startTestGateway({
        config: {
          model_list: [
            {
              model_name: "gpt-4o",
              litellm_params: {
                model: "openai/gpt-4o",
                api_key: "sk-upstream",
                api_base: `${upstream.url}/v1`,
              },
            },
          ],
          litellm_settings: { success_callback: ["otel"] },
        },
        env: {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${own.url}/v1/traces`,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
        },
      });
      try {
        const openai = new OpenAI({ apiKey: gw.masterKey, baseURL: gw.baseURL, maxRetries: 0 });
        const r = await openai.chat.completions.create(
          { model: "gpt-4o", messages: [{ role: "user", content: "x" }] },
          { headers: { traceparent: "00-zz-not-a-trace-01" } },
        );
        expect(r.choices[0]!.message.content).toBeTruthy();
        // success_callback: a failure is not traced.
        upstream.enqueue(() => openaiError(400, { message: "bad" }));
        await expect(
          openai.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: "y" }],
          }),
        ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      } finally {
        await gw.close();
      }
      const servers = otlpSpans(own.requests).filter((s) => s.kind === 2);
      expect(servers).toHaveLength(1);
      expect(servers[0]!.parentSpanId ?? "").toBe("");
      await own.close();
    },
  );
});
