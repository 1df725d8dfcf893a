import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// GET /metrics after a scripted mix over HTTP (successes, a stream, a cache hit, an upstream 4xx,
// a 5xx answered by a fallback, a 5xx with nothing left): exact counts and token totals under
// LiteLLM's metric names, and Prometheus' own checker accepts the page. Requests refused before
// the router (401, 400) count once each, as do the router's own refusals (model access, 429).
// A virtual key's answers carry x-litellm-key-spend / x-litellm-key-max-budget; the master's not.

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
          {
            model_name: "embed",
            litellm_params: { ...params, model: "openai/text-embedding-3-small" },
          },
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

  it("requests refused before the router count once each, the router's refusals once too", async () => {
    const scrape = async () => parse(await (await fetch(`${gateway.url}/metrics`)).text());
    const failed = (samples: Sample[], where: Record<string, string> = {}) =>
      sum(samples, "litellm_proxy_failed_requests_metric_total", where);
    const before = await scrape();
    const chat = { model: "gpt-4o", messages: [{ role: "user" as const, content: "refused" }] };
    const client = (apiKey: string) =>
      new OpenAI({ apiKey, baseURL: gateway.baseURL, maxRetries: 0 });

    // 401 before the router: no key, an invented key, a blocked key; and on /v1/messages.
    const noKey = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chat),
    });
    expect(noKey.status).toBe(401);
    await expect(client("sk-invented-0000").chat.completions.create(chat)).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const blocked = await manage<{ key: string; token: string }>(
      gateway,
      gateway.masterKey,
      "/key/generate",
      {},
    );
    await manage(gateway, gateway.masterKey, "/key/block", { key: blocked.key });
    await expect(client(blocked.key).chat.completions.create(chat)).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "sk-nope", maxRetries: 0 });
    await expect(
      anthropic.messages.create({
        model: "gpt-4o",
        max_tokens: 8,
        messages: [{ role: "user", content: "refused" }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    // 400 before the router: a body without messages.
    await expect(
      openai.chat.completions.create({ model: "gpt-4o" } as never),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(openai.embeddings.create({ model: "embed" } as never)).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    // The router's refusals (it emits these itself): a model the key may not use, a 429.
    const limited = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      models: ["gpt-4o"],
      rpm_limit: 1,
    });
    await expect(
      client(limited.key).chat.completions.create({ ...chat, model: "flaky" }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await client(limited.key).chat.completions.create(chat);
    await expect(client(limited.key).chat.completions.create(chat)).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );

    const after = await scrape();
    const delta = (where: Record<string, string>) => failed(after, where) - failed(before, where);
    expect(delta({})).toBe(8);
    expect(delta({ exception_status: "401", route: "/v1/chat/completions" })).toBe(4);
    expect(delta({ exception_class: "AuthenticationError", route: "/v1/messages" })).toBe(1);
    expect(delta({ exception_status: "400", route: "/v1/chat/completions" })).toBe(1);
    expect(delta({ exception_class: "BadRequestError", route: "/v1/embeddings" })).toBe(1);
    expect(delta({ exception_status: "429", exception_class: "RateLimitError" })).toBe(1);
    const total = (samples: Sample[]) => sum(samples, "litellm_proxy_total_requests_metric_total");
    expect(total(after) - total(before)).toBe(9); // the 8 refusals and the 429's admitted first
    // A held key refused at auth is named by its hash; an invented one is not hashed into a label
    // (anyone can invent keys), and no key is echoed into the page.
    expect(delta({ hashed_api_key: blocked.token })).toBe(1);
    const page = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const secret of [blocked.key, limited.key, "sk-invented-0000", "sk-nope"])
      expect(page).not.toContain(secret);
    const sha = (k: string) => createHash("sha256").update(k).digest("hex");
    expect(page).not.toContain(sha("sk-invented-0000"));
  });

  it("a virtual key's answers carry its spend before the request and its max budget; the master key's neither", async () => {
    const priced = (u: { prompt_tokens: number; completion_tokens: number }) =>
      u.prompt_tokens * 0.000001 + u.completion_tokens * 0.000002;
    const master = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "master spend" }] })
      .withResponse();
    expect(master.response.headers.get("x-litellm-key-spend")).toBeNull();
    expect(master.response.headers.get("x-litellm-key-max-budget")).toBeNull();

    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      max_budget: 1,
    });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const spendOf = (headers: Headers) => Number(headers.get("x-litellm-key-spend"));
    const first = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "key spend" }] })
      .withResponse();
    expect(first.response.headers.get("x-litellm-key-spend")).toBe("0.0");
    expect(first.response.headers.get("x-litellm-key-max-budget")).toBe("1.0");
    const firstCost = priced(first.data.usage!);

    // A stream: in its headers, before the first byte, the spend the first request left.
    const streamed = await client.chat.completions
      .create({
        model: "gpt-4o",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "key spend stream" }],
      })
      .withResponse();
    expect(spendOf(streamed.response.headers)).toBeCloseTo(firstCost, 12);
    expect(streamed.response.headers.get("x-litellm-key-max-budget")).toBe("1.0");
    let streamCost = 0;
    for await (const chunk of streamed.data) if (chunk.usage) streamCost = priced(chunk.usage);
    expect(streamCost).toBeGreaterThan(0);

    // A cache hit of the first question: both answers charged so far; the hit itself costs 0.
    const hit = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "key spend" }] })
      .withResponse();
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(spendOf(hit.response.headers)).toBeCloseTo(firstCost + streamCost, 12);

    // The Anthropic route, with the Anthropic SDK: same headers.
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
    const messages = await anthropic.messages
      .create({
        model: "gpt-4o",
        max_tokens: 16,
        messages: [{ role: "user", content: "key spend messages" }],
      })
      .withResponse();
    expect(spendOf(messages.response.headers)).toBeCloseTo(firstCost + streamCost, 12);
    expect(messages.response.headers.get("x-litellm-key-max-budget")).toBe("1.0");
    const messagesCost = priced({
      prompt_tokens: messages.data.usage.input_tokens,
      completion_tokens: messages.data.usage.output_tokens,
    });

    // Embeddings: the same headers (the embedding model has no price, so it adds nothing).
    const embedded = await client.embeddings
      .create({ model: "embed", input: "key spend" })
      .withResponse();
    expect(spendOf(embedded.response.headers)).toBeCloseTo(
      firstCost + streamCost + messagesCost,
      12,
    );
    expect(embedded.response.headers.get("x-litellm-key-max-budget")).toBe("1.0");

    // A key without a budget: its spend, and no max budget header.
    const free = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {});
    const unbounded = await new OpenAI({
      apiKey: free.key,
      baseURL: gateway.baseURL,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "free" }] })
      .withResponse();
    expect(unbounded.response.headers.get("x-litellm-key-spend")).toBe("0.0");
    expect(unbounded.response.headers.get("x-litellm-key-max-budget")).toBeNull();
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
