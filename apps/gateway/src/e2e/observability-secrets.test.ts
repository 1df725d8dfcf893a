import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { createLogger } from "@org/observability";
import {
  startCaptureServer,
  startFakeWebhookReceiver,
  type CaptureServer,
  type FakeWebhookReceiver,
} from "@org/observability/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway } from "../testing/start-test-gateway.ts";

// Every observability surface on at once (OTel, Langfuse, generic_api, webhook alerts, the
// logs, /metrics), then a grep of everything they received for each secret in play: the master
// key, a virtual key, the upstream's API key (echoed back by the upstream in an error, as
// OpenAI does) and the salt key. None may appear anywhere.

const MASTER_KEY = "sk-master-0bs3rv4b1l1ty-secret";
const UPSTREAM_KEY = "sk-upstream-pr0v1d3r-secret-key";
const SALT_KEY = "salt-0bs3rv4b1l1ty-secret-value";

// Each test starts its own gateway (an embedded database boot): a longer timeout than the default.

describe("no secret reaches a sink, a span, an alert, a metric or a log", () => {
  let upstream: FakeServer;
  let collector: CaptureServer;
  let langfuse: CaptureServer;
  let hook: FakeWebhookReceiver;
  let alerts: FakeWebhookReceiver;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
    collector = await startCaptureServer();
    langfuse = await startCaptureServer();
    hook = await startFakeWebhookReceiver();
    alerts = await startFakeWebhookReceiver();
  });
  afterAll(async () => {
    for (const s of [collector, langfuse, hook, alerts, upstream]) await s?.close();
  });

  it("greps every receiver, the scrape and the log lines", { timeout: 120_000 }, async () => {
    const logs: string[] = [];
    const gateway = await startTestGateway({
      masterKey: MASTER_KEY,
      logger: createLogger({ level: "debug", format: "json", write: (line) => logs.push(line) }),
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: UPSTREAM_KEY,
              api_base: `${upstream.url}/v1`,
              input_cost_per_token: 0.001,
              output_cost_per_token: 0.001,
            },
          },
        ],
        router_settings: { num_retries: 0 },
        litellm_settings: { callbacks: ["otel", "langfuse", "generic_api"] },
        general_settings: { alerting: ["webhook"], alerting_threshold: 0.000001 },
      },
      env: {
        LITELLM_SALT_KEY: SALT_KEY,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        LANGFUSE_PUBLIC_KEY: "pk-lf-1",
        LANGFUSE_SECRET_KEY: "sk-lf-1",
        LANGFUSE_HOST: langfuse.url,
        GENERIC_LOGGER_ENDPOINT: hook.url,
        WEBHOOK_URL: alerts.url,
      },
    });
    let virtualKey = "";
    let scrape = "";
    try {
      virtualKey = (
        await manage<{ key: string }>(gateway, MASTER_KEY, "/key/generate", {
          key_alias: "grepped",
          soft_budget: 0.000001, // crossed by the first request: a budget alert about this key
        })
      ).key;
      const asMaster = new OpenAI({ apiKey: MASTER_KEY, baseURL: gateway.baseURL, maxRetries: 0 });
      const asKey = new OpenAI({ apiKey: virtualKey, baseURL: gateway.baseURL, maxRetries: 0 });
      await asMaster.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "a" }],
      });
      await asKey.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "b" }],
      });
      const stream = await asKey.chat.completions.create({
        model: "gpt-4o",
        stream: true,
        messages: [{ role: "user", content: "c" }],
      });
      for await (const _ of stream) void _;
      // The upstream refuses and quotes the key it was sent, as providers' 401s can.
      upstream.enqueue(() =>
        openaiError(401, { message: `Incorrect API key provided: ${UPSTREAM_KEY}.` }),
      );
      await expect(
        asKey.chat.completions.create({
          model: "gpt-4o",
          messages: [{ role: "user", content: "d" }],
        }),
      ).rejects.toBeInstanceOf(OpenAI.APIError);
      // A wrong key is refused before the router; the refusal is logged, never the key.
      await expect(
        new OpenAI({
          apiKey: `${virtualKey}x`,
          baseURL: gateway.baseURL,
          maxRetries: 0,
        }).models.list(),
      ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      scrape = await (await fetch(`${gateway.url}/metrics`)).text();
    } finally {
      await gateway.close(); // flushes every queue and the tracer
    }

    // Each surface got something, so the grep below is not vacuous.
    expect(collector.requests.length).toBeGreaterThan(0);
    expect(langfuse.requests.length).toBeGreaterThan(0);
    expect(hook.requests.length).toBeGreaterThan(0);
    expect(alerts.requests.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);

    const received = [collector, langfuse, hook, alerts].flatMap((r) =>
      r.requests.map((q) => `${q.path}\n${JSON.stringify(q.headers)}\n${q.body}`),
    );
    const everything = [...received, scrape, ...logs].join("\n");
    // The failed request did reach the sinks (its error is there, redacted).
    expect(everything).toMatch(/Incorrect API key provided/);
    for (const [name, secret] of Object.entries({
      MASTER_KEY,
      virtualKey,
      UPSTREAM_KEY,
      SALT_KEY,
    })) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(everything.includes(secret), `${name} leaked`).toBe(false);
    }
  });
});
