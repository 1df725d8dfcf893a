import { spawnSync } from "node:child_process";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// GET /metrics after a scripted mix over HTTP (successes, a stream, a cache hit, an upstream 4xx,
// a 5xx answered by a fallback, a 5xx with nothing left): exact counts and token totals under
// LiteLLM's metric names, and Prometheus' own checker accepts the page.

type Sample = { name: string; labels: Record<string, string>; value: number };

function parse(body: string): Sample[] {
  const out: Sample[] = [];
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((acc, s) => acc + s.value, 0);

const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;

describe("GET /metrics", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    const params = {
      model: "openai/gpt-4o",
      api_key: "sk-upstream",
      api_base: `${upstream.url}/v1`,
    };
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              ...params,
              input_cost_per_token: 0.000001,
              output_cost_per_token: 0.000002,
            },
          },
          { model_name: "flaky", litellm_params: params },
        ],
        router_settings: { num_retries: 0, fallbacks: [{ flaky: ["gpt-4o"] }] },
        litellm_settings: { cache: true },
      },
    });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("counts the scripted mix exactly, and promtool accepts the page", async () => {
    const usages: number[] = [];
    const ask = async (content: string, model = "gpt-4o") => {
      const r = await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content }],
      });
      usages.push(r.usage!.total_tokens);
    };
    await ask("one");
    await ask("two");
    await ask("two"); // a cache hit: counted as a request, with its stored tokens
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "three" }],
    });
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage.total_tokens);
    // flaky's upstream fails with a 500; the fallback to gpt-4o answers.
    upstream.enqueue(() => openaiError(500, { message: "boom" }));
    await ask("four", "flaky");
    // An upstream 400 (not retried, no fallback for it).
    upstream.enqueue(() => openaiError(400, { message: "bad" }));
    await expect(ask("five")).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const body = await res.text();
    const samples = parse(body);
    expect(sum(samples, "litellm_proxy_total_requests_metric_total")).toBe(6);
    expect(sum(samples, "litellm_proxy_failed_requests_metric_total")).toBe(1);
    expect(
      sum(samples, "litellm_proxy_failed_requests_metric_total", { exception_status: "400" }),
    ).toBe(1);
    expect(sum(samples, "litellm_cache_hits_metric_total")).toBe(1);
    const tokens = usages.reduce((a, b) => a + b, 0);
    expect(sum(samples, "litellm_total_tokens_metric_total")).toBe(tokens);
    expect(sum(samples, "litellm_spend_metric_total")).toBeGreaterThan(0);
    // Latency is observed for successes only, as LiteLLM does.
    expect(sum(samples, "litellm_request_total_latency_metric_count")).toBe(5);
    expect(sum(samples, "litellm_deployment_state")).toBe(0);
    // Secrets never appear: the master key, the upstream key.
    expect(body).not.toContain(gateway.masterKey);
    expect(body).not.toContain("sk-upstream");

    if (hasPromtool || process.env.CI === "true") {
      const check = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    }
  });

  it("answers carry LiteLLM's cost and duration headers (cost 0 for a cache hit)", async () => {
    const ask = () =>
      openai.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "headers" }] })
        .withResponse();
    const miss = await ask();
    const cost = Number(miss.response.headers.get("x-litellm-response-cost"));
    const usage = miss.data.usage!;
    expect(cost).toBeCloseTo(
      usage.prompt_tokens * 0.000001 + usage.completion_tokens * 0.000002,
      12,
    );
    expect(
      Number(miss.response.headers.get("x-litellm-response-duration-ms")),
    ).toBeGreaterThanOrEqual(0);
    expect(miss.response.headers.get("x-litellm-model-id")).toMatch(/\w/);
    const hit = await ask();
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(hit.response.headers.get("x-litellm-response-cost")).toBe("0");
  });

  it("needs a key when require_auth_for_metrics_endpoint is set", async () => {
    const locked = await startTestGateway({
      config: { litellm_settings: { require_auth_for_metrics_endpoint: true } },
    });
    try {
      expect((await fetch(`${locked.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${locked.url}/metrics`, {
        headers: { authorization: `Bearer ${locked.masterKey}` },
      });
      expect(ok.status).toBe(200);
      expect(locked.warnings.join("\n")).not.toMatch(/require_auth_for_metrics_endpoint/);
    } finally {
      await locked.close();
    }
  });
});
