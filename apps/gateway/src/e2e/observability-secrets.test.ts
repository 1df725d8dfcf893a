import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import {
  startCaptureServer,
  startFakeWebhookReceiver,
  type CaptureServer,
  type FakeWebhookReceiver,
} from "@org/observability/testing";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

// The real process (`pnpm start`'s entry point) with every observability surface on at once
// (Prometheus, OTel, Langfuse, generic_api, webhook alerts) and LITELLM_LOG=DEBUG so the most
// is logged, through a mixed run: master and virtual keys, provider keys from the config and
// from /model/new (stored encrypted with LITELLM_SALT_KEY), chat, a stream, embeddings,
// Anthropic's /v1/messages, a 401, a 429, upstream 500s whose bodies quote the provider key
// (one answered by a fallback). Then everything the gateway said is grepped for every secret:
// its stdout and stderr, GET /metrics, every span, sink batch and alert the receivers got, and
// the management API's answers. None may appear; hash prefixes may.
//
// Two secrets on purpose do not look like keys (no `sk-`), so the logger's value patterns
// cannot be what keeps them out. The same run checks the logs' shape: `json_logs: true` gives
// JSON lines, LITELLM_LOG=debug (lowercase) the debug level, and lines logged for a request
// carry its `x-litellm-call-id` as `request_id`.

const MASTER_KEY = "sk-master-0bs3rv4b1l1ty-secret";
const UPSTREAM_KEY = "sk-upstream-pr0v1d3r-secret-key";
/** An Azure-style key, added through /model/new: nothing about it looks like a key. */
const DB_PROVIDER_KEY = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c";
const SALT_KEY = "salt-0bs3rv4b1l1ty-secret-value";
const LANGFUSE_SECRET = "lf-secret-0bs3rv4b1l1ty";

interface LogLine {
  level: string;
  msg: string;
  request_id?: string;
  [field: string]: unknown;
}

describe("no secret reaches a log line, a sink, a span, an alert, a metric or an answer", () => {
  let upstream: FakeServer;
  let dbUpstream: FakeServer;
  let collector: CaptureServer;
  let langfuse: CaptureServer;
  let hook: FakeWebhookReceiver;
  let alerts: FakeWebhookReceiver;
  let dataDir: string;
  let gateway: SpawnedGateway | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
    dbUpstream = await startFakeOpenAI({ apiKey: DB_PROVIDER_KEY });
    collector = await startCaptureServer();
    langfuse = await startCaptureServer();
    hook = await startFakeWebhookReceiver();
    alerts = await startFakeWebhookReceiver();
    dataDir = await mkdtemp(join(tmpdir(), "gateway-secrets-"));
  });
  afterAll(async () => {
    gateway?.child.kill("SIGKILL");
    for (const s of [collector, langfuse, hook, alerts, upstream, dbUpstream]) await s?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    "greps the process output, the receivers, the scrape and the management answers",
    { timeout: 180_000 },
    async () => {
      const deployment = (name: string, model: string) => ({
        model_name: name,
        litellm_params: {
          model,
          api_key: UPSTREAM_KEY,
          api_base: `${upstream.url}/v1`,
          input_cost_per_token: 0.001,
          output_cost_per_token: 0.001,
        },
      });
      const config = join(dataDir, "config.yaml");
      await writeFile(
        config,
        JSON.stringify({
          model_list: [
            deployment("gpt-4o", "openai/gpt-4o"),
            deployment("flaky", "openai/gpt-4o-mini"),
            deployment("embed", "openai/text-embedding-3-small"),
          ],
          router_settings: { num_retries: 0, fallbacks: [{ flaky: ["gpt-4o"] }] },
          litellm_settings: {
            callbacks: ["prometheus", "otel", "langfuse", "generic_api"],
            json_logs: true,
          },
          general_settings: { alerting: ["webhook"], alerting_threshold: 0.000001 },
        }),
      );
      gateway = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: dataDir,
        LITELLM_MASTER_KEY: MASTER_KEY,
        LITELLM_SALT_KEY: SALT_KEY,
        LITELLM_LOG: "debug",
        // Unset (spawnGateway defaults it to json): json_logs in the config decides.
        LOG_FORMAT: "",
        NODE_ENV: "development",
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        LANGFUSE_PUBLIC_KEY: "pk-lf-1",
        LANGFUSE_SECRET_KEY: LANGFUSE_SECRET,
        LANGFUSE_HOST: langfuse.url,
        GENERIC_LOGGER_ENDPOINT: hook.url,
        WEBHOOK_URL: alerts.url,
      });
      const url = gateway.url;
      /** Every management answer and error body the clients saw, headers included. */
      const answers: string[] = [];
      const callIds = new Map<string, string>();
      const raw = async (key: string, path: string, body?: unknown) => {
        const res = await fetch(`${url}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        // The path is ours (it may carry a key, as /key/info's does), so it is left out.
        answers.push(`${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
        return { status: res.status, text, callId: res.headers.get("x-litellm-call-id") ?? "" };
      };
      const manage = async <T>(path: string, body?: unknown): Promise<T> => {
        const res = await raw(MASTER_KEY, path, body);
        expect(res.status, `${path}: ${res.text}`).toBe(200);
        return JSON.parse(res.text) as T;
      };

      // Keys: one with a soft budget the first request crosses (an alert naming the key), one
      // with rpm_limit 1 for the 429. /key/generate answers with the key itself: kept out of
      // the grep (the only place a key may appear is the answer that creates it).
      const generate = async (body: unknown) => {
        const res = await fetch(`${url}/key/generate`, {
          method: "POST",
          headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { key: string }).key;
      };
      const virtualKey = await generate({ key_alias: "grepped", soft_budget: 0.000001 });
      const limitedKey = await generate({ key_alias: "limited", rpm_limit: 1 });
      const created = await manage<{ model_info?: { id?: string } }>("/model/new", {
        model_name: "db-model",
        litellm_params: {
          model: "openai/gpt-4o-mini",
          api_key: DB_PROVIDER_KEY,
          api_base: `${dbUpstream.url}/v1`,
        },
      });
      expect(created).toBeTruthy();

      const asMaster = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
      const asKey = new OpenAI({ apiKey: virtualKey, baseURL: `${url}/v1`, maxRetries: 0 });
      const note = (what: string, headers: Headers) =>
        callIds.set(what, headers.get("x-litellm-call-id") ?? "");

      note(
        "chat as master",
        (
          await asMaster.chat.completions
            .create({ model: "gpt-4o", messages: [{ role: "user", content: "a" }] })
            .withResponse()
        ).response.headers,
      );
      note(
        "chat as key",
        (
          await asKey.chat.completions
            .create({ model: "gpt-4o", messages: [{ role: "user", content: "b" }] })
            .withResponse()
        ).response.headers,
      );
      const streamed = await asKey.chat.completions
        .create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "c" }] })
        .withResponse();
      for await (const _ of streamed.data) void _;
      note("stream", streamed.response.headers);
      note(
        "embeddings",
        (await asKey.embeddings.create({ model: "embed", input: "e" }).withResponse()).response
          .headers,
      );
      const anthropic = new Anthropic({ apiKey: virtualKey, baseURL: url, maxRetries: 0 });
      note(
        "messages",
        (
          await anthropic.messages
            .create({ model: "gpt-4o", max_tokens: 16, messages: [{ role: "user", content: "m" }] })
            .withResponse()
        ).response.headers,
      );
      note(
        "db model",
        (
          await asKey.chat.completions
            .create({ model: "db-model", messages: [{ role: "user", content: "d" }] })
            .withResponse()
        ).response.headers,
      );

      // Upstream 500s quoting the key they were sent: one answered by the fallback, one not.
      upstream.enqueue(() =>
        openaiError(500, { message: `Internal error for key ${UPSTREAM_KEY}, retry later.` }),
      );
      note(
        "fallback",
        (
          await asKey.chat.completions
            .create({ model: "flaky", messages: [{ role: "user", content: "f" }] })
            .withResponse()
        ).response.headers,
      );
      dbUpstream.enqueue(() =>
        openaiError(500, { message: `Internal error for key ${DB_PROVIDER_KEY}, retry later.` }),
      );
      const failed = await raw(virtualKey, "/v1/chat/completions", {
        model: "db-model",
        messages: [{ role: "user", content: "g" }],
      });
      expect(failed.status).toBe(500);
      callIds.set("upstream 500", failed.callId);

      // A 401: a wrong key, close to a real one.
      const refused = await raw(`${virtualKey}x`, "/v1/models");
      expect(refused.status).toBe(401);
      // A 429: the limited key's second request in the minute.
      const chat = { model: "gpt-4o", messages: [{ role: "user", content: "l" }] };
      expect((await raw(limitedKey, "/v1/chat/completions", chat)).status).toBe(200);
      const limited = await raw(limitedKey, "/v1/chat/completions", chat);
      expect(limited.status).toBe(429);

      // The management API's views of keys, models and spend.
      // /key/info echoes the key it was asked about in `key` (LiteLLM does, to the caller who sent
      // it); what it says about the key is grepped.
      const info = await fetch(`${url}/key/info?key=${encodeURIComponent(virtualKey)}`, {
        headers: { authorization: `Bearer ${MASTER_KEY}` },
      });
      expect(info.status).toBe(200);
      answers.push(JSON.stringify(((await info.json()) as { info: unknown }).info));
      for (const path of [
        "/key/list?return_full_object=true",
        "/model/info",
        "/v1/model/info",
        "/v1/models",
        "/spend/logs",
        "/user/info",
        "/global/spend/logs",
      ]) {
        await raw(MASTER_KEY, path);
      }
      const scrape = await (await fetch(`${url}/metrics`)).text();
      expect(scrape).toContain("litellm_proxy_total_requests_metric_total");

      // SIGTERM: drains, flushes every queue and the tracer, and the logger on exit.
      gateway.child.kill("SIGTERM");
      expect(await exited(gateway.child)).toBe(0);
      const output = gateway.output();

      // Each surface got something, so the grep below is not vacuous.
      expect(collector.requests.length).toBeGreaterThan(0);
      expect(langfuse.requests.length).toBeGreaterThan(0);
      expect(hook.requests.length).toBeGreaterThan(0);
      expect(alerts.requests.length).toBeGreaterThan(0);

      const received = [collector, langfuse, hook, alerts].flatMap((r) =>
        r.requests.map((q) => `${q.path}\n${JSON.stringify(q.headers)}\n${q.body}`),
      );
      const sources: Record<string, string> = {
        "process output": output,
        "/metrics": scrape,
        receivers: received.join("\n"),
        "management answers": answers.join("\n"),
      };
      const everything = Object.values(sources).join("\n");
      /** Where a secret was found, with the text around it, so a failure says what to fix. */
      const whereIs = (secret: string) =>
        Object.entries(sources)
          .filter(([, text]) => text.includes(secret))
          .map(([name, text]) => {
            const at = text.indexOf(secret);
            return `${name}: …${text.slice(Math.max(0, at - 200), at + secret.length + 50)}…`;
          })
          .join("\n");
      // The failures reached the sinks and the logs (their errors are there, redacted).
      expect(everything).toMatch(/Internal error for key/);
      const secrets = {
        MASTER_KEY,
        virtualKey,
        limitedKey,
        UPSTREAM_KEY,
        DB_PROVIDER_KEY,
        SALT_KEY,
        LANGFUSE_SECRET,
      };
      for (const [name, secret] of Object.entries(secrets)) {
        expect(secret.length, name).toBeGreaterThan(8);
        expect(everything.includes(secret), `${name} leaked in ${whereIs(secret)}`).toBe(false);
      }

      // The logs: JSON lines (json_logs), debug on (LITELLM_LOG=debug), request ids.
      const logLines = output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as LogLine);
      expect(logLines.length).toBeGreaterThan(0);
      const stderrText = output.split("\n").filter((l) => l.includes('"level":'));
      expect(stderrText.length).toBe(logLines.length);
      expect(logLines.some((l) => l.level === "debug")).toBe(true);
      for (const [what, callId] of callIds) {
        expect(callId, what).not.toBe("");
        const finished = logLines.find(
          (l) => l.msg === "request finished" && l.request_id === callId,
        );
        expect(finished, `${what}: no log line with request_id ${callId}`).toBeDefined();
      }
      // The soft budget the key's first request crossed is logged with that request's id.
      const crossed = logLines.find((l) => l.msg === "soft budget crossed");
      expect(crossed?.request_id).toBe(callIds.get("chat as key"));
      // The fallback's router lines (the failure, the fallback) carry the request's id.
      const fallbackId = callIds.get("fallback");
      const routerLines = logLines.filter((l) => l.msg.startsWith("router:"));
      expect(routerLines.some((l) => l.msg === "router: falling back")).toBe(true);
      for (const line of routerLines) expect(line.request_id, line.msg).toBeTruthy();
      expect(routerLines.filter((l) => l.request_id === fallbackId).length).toBeGreaterThan(0);
    },
  );
});
