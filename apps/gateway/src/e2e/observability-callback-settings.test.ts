import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import {
  startCaptureServer,
  startFakeWebhookReceiver,
  type CaptureServer,
  type FakeWebhookReceiver,
} from "@org/observability/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// LiteLLM's per-callback message logging: `callback_settings: {langfuse: {message_logging:
// true}}` sends the messages and the answer to Langfuse while the generic_api webhook, with the
// global default (off), gets the same request's payload without them.

type Ingestion = { batch: { type: string; body: Record<string, unknown> }[] };

describe("callback_settings.<callback>.message_logging", () => {
  let upstream: FakeServer;
  let langfuse: CaptureServer;
  let webhook: FakeWebhookReceiver;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    langfuse = await startCaptureServer();
    webhook = await startFakeWebhookReceiver();
    gateway = await startTestGateway({
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
        litellm_settings: { callbacks: ["langfuse", "generic_api"] },
        callback_settings: { langfuse: { message_logging: true } },
      },
      env: {
        LANGFUSE_PUBLIC_KEY: "pk-lf-test",
        LANGFUSE_SECRET_KEY: "sk-lf-test-secret",
        LANGFUSE_HOST: langfuse.url,
        GENERIC_LOGGER_ENDPOINT: webhook.url,
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await langfuse?.close();
    await webhook?.close();
    await upstream?.close();
  });

  it("Langfuse gets the messages and the answer; the webhook gets the same request without them", async () => {
    // callback_settings is supported: no "not yet supported" or "unknown key" warning.
    expect(gateway!.warnings.join("\n")).not.toMatch(/callback_settings/);
    const openai = new OpenAI({
      apiKey: gateway!.masterKey,
      baseURL: gateway!.baseURL,
      maxRetries: 0,
    });
    const answer = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "secret plan" }] })
      .withResponse();
    const callId = answer.response.headers.get("x-litellm-call-id")!;

    // Shutdown flushes both sinks' queues.
    await gateway!.close();
    gateway = undefined;

    const batch = langfuse.requests.flatMap((r) => (JSON.parse(r.body) as Ingestion).batch);
    const generation = batch.find((e) => e.type === "generation-create")!.body;
    expect(generation.traceId).toBe(callId);
    expect(JSON.stringify(generation.input)).toContain("secret plan");
    expect(JSON.stringify(generation.output)).toContain(answer.data.choices[0]!.message.content!);

    const payloads = webhook.requests.flatMap(
      (r) => JSON.parse(r.body) as { id: string; messages: unknown; response: unknown }[],
    );
    const payload = payloads.find((p) => p.id === callId)!;
    expect(payload).toBeDefined();
    expect(payload.messages).toBeNull();
    expect(payload.response).toBeNull();
    for (const request of webhook.requests) expect(request.body).not.toContain("secret plan");
  });
});
