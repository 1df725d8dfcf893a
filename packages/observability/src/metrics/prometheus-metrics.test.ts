import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import { SinkQueue } from "../sinks/sink-queue.ts";
import { PrometheusMetrics } from "./prometheus-metrics.ts";

// ---- a small reader of the text exposition, so assertions are on samples, not on substrings

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

function parseExposition(body: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const raw = match[3]!;
    samples.push({
      name: match[1]!,
      labels,
      value: raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw),
    });
  }
  return samples;
}

function select(samples: Sample[], name: string, where: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v),
  );
}

function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return select(samples, name, where).reduce((acc, s) => acc + s.value, 0);
}

// ---- promtool: Prometheus's own parser and linter

const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const hasPromtool = promtool.status === 0;
const requirePromtool = process.env.CI === "true";

function promtoolCheck(body: string): { status: number | null; output: string } {
  const result = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// ---- the scripted mix

const T0 = 1_800_000_000_000;

function event(overrides: Partial<RequestEvent>): RequestEvent {
  return {
    callId: "call",
    route: "/v1/chat/completions",
    callType: "chat",
    stream: false,
    startTime: T0,
    apiCallStartTime: T0 + 5,
    firstTokenTime: T0 + 400,
    endTime: T0 + 400,
    keyHash: "hash-a",
    keyAlias: "alpha",
    teamId: "team-1",
    teamAlias: "Team One",
    userId: "user-1",
    endUser: "customer-123",
    orgId: "org-1",
    requestedModel: "gpt",
    modelGroup: "gpt",
    deploymentId: "dep-1",
    provider: "openai",
    providerModel: "openai/gpt-4o",
    tokens: { prompt: 10, completion: 5, cached: 0, reasoning: 0 },
    cost: 0.001,
    cacheHit: false,
    retries: 0,
    fallbacks: [],
    status: "success",
    httpStatus: 200,
    tags: [],
    ...overrides,
  };
}

function scriptedMix(): RequestEvent[] {
  return [
    event({ callId: "ok-1" }),
    event({ callId: "ok-2" }),
    event({ callId: "ok-3" }),
    // A stream: the first chunk 150 ms after the upstream call began.
    event({
      callId: "stream",
      stream: true,
      firstTokenTime: T0 + 155,
      endTime: T0 + 900,
      tokens: { prompt: 20, completion: 30, cached: 0, reasoning: 12 },
      cost: 0.002,
    }),
    // A cache hit: no upstream call.
    event({
      callId: "cached",
      cacheHit: true,
      apiCallStartTime: undefined,
      firstTokenTime: T0 + 3,
      endTime: T0 + 3,
      cost: 0,
    }),
    // A 4xx refused before any upstream call (a bad key).
    event({
      callId: "denied",
      status: "failure",
      httpStatus: 401,
      errorClass: "AuthenticationError",
      errorStatus: 401,
      apiCallStartTime: undefined,
      deploymentId: undefined,
      provider: undefined,
      providerModel: undefined,
      tokens: undefined,
      cost: undefined,
    }),
    // A 5xx after the fallback failed too.
    event({
      callId: "down",
      status: "failure",
      httpStatus: 503,
      errorClass: "ServiceUnavailableError",
      errorStatus: 503,
      retries: 2,
      fallbacks: ["gpt-backup"],
      tokens: undefined,
      cost: undefined,
    }),
    // Answered by the fallback group's deployment.
    event({
      callId: "fell-back",
      fallbacks: ["gpt-backup"],
      modelGroup: "gpt-backup",
      deploymentId: "dep-2",
      provider: "anthropic",
      providerModel: "anthropic/claude-sonnet-4",
      tokens: { prompt: 7, completion: 3, cached: 0, reasoning: 0 },
      cost: 0.004,
    }),
  ];
}

describe("PrometheusMetrics after a scripted mix", () => {
  async function scrapeMix(options?: ConstructorParameters<typeof PrometheusMetrics>[0]) {
    const metrics = new PrometheusMetrics(options);
    for (const e of scriptedMix()) metrics.observe(e);
    const { contentType, body } = await metrics.scrape();
    return { metrics, contentType, body, samples: parseExposition(body) };
  }

  it("counts every request once, by status, with LiteLLM's sample names", async () => {
    const { contentType, samples } = await scrapeMix();
    expect(contentType).toContain("text/plain");

    expect(sum(samples, "litellm_proxy_total_requests_metric_total")).toBe(8);
    expect(sum(samples, "litellm_proxy_total_requests_metric_total", { status_code: "200" })).toBe(
      6,
    );
    expect(sum(samples, "litellm_proxy_total_requests_metric_total", { status_code: "401" })).toBe(
      1,
    );
    expect(sum(samples, "litellm_proxy_total_requests_metric_total", { status_code: "503" })).toBe(
      1,
    );
    expect(
      sum(samples, "litellm_proxy_total_requests_metric_total", {
        route: "/v1/chat/completions",
        hashed_api_key: "hash-a",
        api_key_alias: "alpha",
        team: "team-1",
        team_alias: "Team One",
        user: "user-1",
        requested_model: "gpt",
        org_id: "org-1",
        org_alias: "None",
      }),
    ).toBe(8);

    const failed = select(samples, "litellm_proxy_failed_requests_metric_total");
    expect(
      failed.map((s) => [s.labels.exception_class, s.labels.exception_status, s.value]),
    ).toEqual(
      expect.arrayContaining([
        ["AuthenticationError", "401", 1],
        ["ServiceUnavailableError", "503", 1],
      ]),
    );
    expect(sum(samples, "litellm_proxy_failed_requests_metric_total")).toBe(2);

    // Successful LLM calls (the cache hit included, as LiteLLM counts it) per deployment.
    expect(sum(samples, "litellm_requests_metric_total")).toBe(6);
    expect(
      sum(samples, "litellm_requests_metric_total", { model: "openai/gpt-4o", model_id: "dep-1" }),
    ).toBe(5);
    expect(
      sum(samples, "litellm_requests_metric_total", {
        model: "anthropic/claude-sonnet-4",
        model_id: "dep-2",
        api_provider: "anthropic",
      }),
    ).toBe(1);
    // Only the upstream 503 was an LLM API failure; the 401 never reached a provider.
    expect(sum(samples, "litellm_llm_api_failed_requests_metric_total")).toBe(1);
  });

  it("has exact token and spend totals", async () => {
    const { samples } = await scrapeMix();
    // 3 plain (10/5), the stream (20/30), the cache hit (10/5), the fallback (7/3).
    const input = 3 * 10 + 20 + 10 + 7;
    const output = 3 * 5 + 30 + 5 + 3;
    expect(sum(samples, "litellm_input_tokens_metric_total")).toBe(input);
    expect(sum(samples, "litellm_output_tokens_metric_total")).toBe(output);
    expect(sum(samples, "litellm_total_tokens_metric_total")).toBe(input + output);
    expect(sum(samples, "litellm_input_tokens_total")).toBe(input);
    expect(sum(samples, "litellm_output_tokens_total")).toBe(output);
    expect(sum(samples, "litellm_total_tokens_total")).toBe(input + output);
    expect(sum(samples, "litellm_spend_metric_total")).toBeCloseTo(3 * 0.001 + 0.002 + 0.004, 12);
    expect(sum(samples, "litellm_spend_metric_total", { model_id: "dep-2" })).toBeCloseTo(
      0.004,
      12,
    );
    expect(sum(samples, "litellm_cache_hits_metric_total")).toBe(1);
    expect(sum(samples, "litellm_cached_tokens_metric_total")).toBe(15);
  });

  it("observes latencies: total for successes, LLM API for upstream calls, time to first token for streams", async () => {
    const { samples } = await scrapeMix();
    expect(sum(samples, "litellm_request_total_latency_metric_count")).toBe(6);
    // Three plain calls, the stream and the fallback: the cache hit made no upstream call.
    expect(sum(samples, "litellm_llm_api_latency_metric_count")).toBe(5);
    expect(sum(samples, "litellm_llm_api_time_to_first_token_metric_count")).toBe(1);
    expect(sum(samples, "litellm_llm_api_time_to_first_token_metric_sum")).toBeCloseTo(0.15, 9);
    const ttftBuckets = select(samples, "litellm_llm_api_time_to_first_token_metric_bucket");
    expect(ttftBuckets.find((b) => b.labels.le === "0.1")?.value).toBe(0);
    expect(ttftBuckets.find((b) => b.labels.le === "0.25")?.value).toBe(1);
    expect(ttftBuckets.find((b) => b.labels.le === "+Inf")?.value).toBe(1);
  });

  it("keeps end-user ids out of the labels unless configured", async () => {
    const off = await scrapeMix();
    expect(off.body).not.toContain("customer-123");
    expect(
      select(off.samples, "litellm_requests_metric_total").every(
        (s) => s.labels.end_user === "None",
      ),
    ).toBe(true);

    const on = await scrapeMix({ trackEndUser: true });
    expect(sum(on.samples, "litellm_requests_metric_total", { end_user: "customer-123" })).toBe(6);
  });

  it.skipIf(!hasPromtool && !requirePromtool)("passes promtool check metrics", async () => {
    expect(hasPromtool, "promtool is required under CI=true (apt-get install prometheus)").toBe(
      true,
    );
    const { metrics, body } = await scrapeMix();
    // Everything else on the page too: deployment, budget, limits, queues, odd label values.
    metrics.setDeploymentState(
      { deploymentId: "dep-1", providerModel: "openai/gpt-4o", provider: "openai" },
      2,
    );
    metrics.deploymentCooledDown({ deploymentId: "dep-1", provider: "openai" }, 429);
    metrics.setRemainingBudget({ kind: "team", teamId: "team-1", remaining: 12.5, maxBudget: 20 });
    metrics.setRemainingBudget({ kind: "key", keyHash: "hash-a", remaining: Infinity });
    metrics.setRemainingRateLimits({
      deploymentId: "dep-1",
      remainingRequests: 99,
      remainingTokens: 1e6,
    });
    metrics.observe(event({ keyAlias: 'quote " back\\slash \n newline', route: "/v1/messages" }));
    metrics.requestStarted();
    metrics.watchQueues([new SinkQueue({ name: "langfuse", deliver: async () => {} })]);
    const full = (await metrics.scrape()).body;

    for (const page of [body, full]) {
      const { status, output } = promtoolCheck(page);
      expect(output).toBe("");
      expect(status).toBe(0);
    }
    // The check can fail: a counter without _total and a malformed line are reported.
    expect(promtoolCheck("# TYPE bad counter\nbad 1\n").output).toContain("_total");
    expect(promtoolCheck("not a metric line {\n").status).not.toBe(0);
  });
});

describe("PrometheusMetrics surfaces", () => {
  it("exports deployment state, cooldowns, budgets, upstream limits and in-flight requests", async () => {
    const metrics = new PrometheusMetrics();
    const dep = {
      deploymentId: "dep-1",
      providerModel: "openai/gpt-4o",
      provider: "openai",
      apiBase: "https://api.example",
    };
    metrics.setDeploymentState(dep, 0);
    metrics.setDeploymentState(dep, 1);
    metrics.deploymentCooledDown(dep, 429);
    metrics.deploymentCooledDown(dep, 429);
    metrics.deploymentCooledDown(dep, 500);
    metrics.setRemainingBudget(
      {
        kind: "team",
        teamId: "team-1",
        teamAlias: "One",
        remaining: 7.5,
        maxBudget: 10,
        resetAt: T0 + 36 * 3_600_000,
      },
      T0,
    );
    metrics.setRemainingBudget({
      kind: "key",
      keyHash: "hash-a",
      keyAlias: "alpha",
      remaining: 0.25,
    });
    metrics.setRemainingRateLimits({
      ...dep,
      modelGroup: "gpt",
      remainingRequests: 42,
      remainingTokens: 9000,
    });
    metrics.requestStarted();
    metrics.requestStarted();
    metrics.requestFinished();

    const samples = parseExposition((await metrics.scrape()).body);
    expect(select(samples, "litellm_deployment_state")).toEqual([
      {
        name: "litellm_deployment_state",
        labels: {
          litellm_model_name: "openai/gpt-4o",
          model_id: "dep-1",
          api_base: "https://api.example",
          api_provider: "openai",
        },
        value: 1,
      },
    ]);
    expect(sum(samples, "litellm_deployment_cooled_down_total", { exception_status: "429" })).toBe(
      2,
    );
    expect(sum(samples, "litellm_deployment_cooled_down_total", { exception_status: "500" })).toBe(
      1,
    );
    expect(
      sum(samples, "litellm_remaining_team_budget_metric", { team: "team-1", team_alias: "One" }),
    ).toBe(7.5);
    expect(sum(samples, "litellm_team_max_budget_metric", { team: "team-1" })).toBe(10);
    expect(sum(samples, "litellm_team_budget_remaining_hours_metric", { team: "team-1" })).toBe(36);
    expect(
      sum(samples, "litellm_remaining_api_key_budget_metric", {
        hashed_api_key: "hash-a",
        api_key_alias: "alpha",
      }),
    ).toBe(0.25);
    expect(
      sum(samples, "litellm_remaining_requests_metric", { model_group: "gpt", model_id: "dep-1" }),
    ).toBe(42);
    expect(
      sum(samples, "litellm_remaining_tokens_metric", {
        model_group: "gpt",
        hashed_api_key: "None",
      }),
    ).toBe(9000);
    expect(sum(samples, "litellm_in_flight_requests")).toBe(1);
  });

  it("exports each sink queue's depth, drops and failures at scrape time", async () => {
    const metrics = new PrometheusMetrics();
    const dead = new SinkQueue<RequestEvent>(
      { name: "webhook", deliver: () => new Promise<void>(() => {}) },
      { capacity: 3, flushIntervalMs: 60_000 },
    );
    metrics.watchQueues([dead]);
    for (const e of scriptedMix()) dead.publish(e);

    let samples = parseExposition((await metrics.scrape()).body);
    expect(sum(samples, "llm_gateway_sink_queue_depth", { sink: "webhook" })).toBe(3);
    expect(sum(samples, "llm_gateway_sink_dropped_events_total", { sink: "webhook" })).toBe(5);
    expect(
      sum(samples, "litellm_callback_logging_failures_metric_total", { callback_name: "webhook" }),
    ).toBe(0);

    // A second scrape reports the current totals (not doubled).
    dead.publish(event({}));
    samples = parseExposition((await metrics.scrape()).body);
    expect(sum(samples, "llm_gateway_sink_dropped_events_total", { sink: "webhook" })).toBe(6);
    await dead.close({ flushTimeoutMs: 0 });
  });

  it("scrapes report totals, not totals added up over scrapes", async () => {
    const metrics = new PrometheusMetrics();
    metrics.observe(event({}));
    await metrics.scrape();
    metrics.observe(event({}));
    const samples = parseExposition((await metrics.scrape()).body);
    expect(sum(samples, "litellm_requests_metric_total")).toBe(2);
    expect(sum(samples, "litellm_proxy_total_requests_metric_total")).toBe(2);
    expect(sum(samples, "litellm_request_total_latency_metric_count")).toBe(2);
  });

  it("bounds label values: past the limit, new values collapse to `other`; missing ones are `None`", async () => {
    const metrics = new PrometheusMetrics({ maxValuesPerLabel: 2 });
    for (const key of ["k1", "k2", "k3", "k4", "k5"]) metrics.observe(event({ keyHash: key }));
    metrics.observe(event({ keyHash: undefined, keyAlias: undefined }));
    const samples = parseExposition((await metrics.scrape()).body);
    const byKey = Object.fromEntries(
      select(samples, "litellm_requests_metric_total").map((s) => [
        s.labels.hashed_api_key,
        s.value,
      ]),
    );
    expect(byKey).toEqual({ k1: 1, k2: 1, other: 3, None: 1 });
  });

  it("bounds label combinations: past maxSeries, new ones go to one `other` series", async () => {
    const metrics = new PrometheusMetrics({ maxSeries: 2 });
    for (const key of ["k1", "k2", "k3", "k4"]) metrics.observe(event({ keyHash: key }));
    const samples = parseExposition((await metrics.scrape()).body);
    const rows = select(samples, "litellm_requests_metric_total");
    expect(rows).toHaveLength(3);
    expect(
      sum(samples, "litellm_requests_metric_total", { hashed_api_key: "other", team: "other" }),
    ).toBe(2);
    expect(sum(samples, "litellm_requests_metric_total")).toBe(4);
  });

  it("uses a registry of its own: two instances do not share counts", async () => {
    const a = new PrometheusMetrics();
    const b = new PrometheusMetrics();
    a.observe(event({}));
    const samplesB = parseExposition((await b.scrape()).body);
    expect(sum(samplesB, "litellm_proxy_total_requests_metric_total")).toBe(0);
    expect(
      sum(parseExposition((await a.scrape()).body), "litellm_proxy_total_requests_metric_total"),
    ).toBe(1);
  });

  it("ignores nonsense numbers instead of throwing or corrupting counters", async () => {
    const metrics = new PrometheusMetrics();
    metrics.observe(
      event({
        tokens: { prompt: Number.NaN, completion: -5, cached: 0, reasoning: 0 },
        cost: Number.POSITIVE_INFINITY,
        endTime: T0 - 10,
      }),
    );
    const samples = parseExposition((await metrics.scrape()).body);
    expect(sum(samples, "litellm_total_tokens_metric_total")).toBe(0);
    expect(sum(samples, "litellm_spend_metric_total")).toBe(0);
    expect(sum(samples, "litellm_requests_metric_total")).toBe(1);
    expect(sum(samples, "litellm_request_total_latency_metric_count")).toBe(0);
  });
});
