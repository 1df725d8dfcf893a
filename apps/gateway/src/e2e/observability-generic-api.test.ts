import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import type { StandardLoggingPayload } from "@org/observability";
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from "@org/observability/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// `callbacks: ["generic_api"]` with GENERIC_LOGGER_ENDPOINT / GENERIC_LOGGER_HEADERS: a webhook
// on 127.0.0.1 gets LiteLLM's StandardLoggingPayloads (successes and failures) with the
// configured headers, identifying the caller by the key's hash, never by the key.

describe("generic_api callback", () => {
  let upstream: FakeServer;
  let receiver: FakeWebhookReceiver;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    receiver = await startFakeWebhookReceiver();
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
        // Message logging on (LiteLLM's flag set to false on purpose): payloads carry content.
        litellm_settings: { callbacks: ["generic_api"], turn_off_message_logging: false },
      },
      env: {
        GENERIC_LOGGER_ENDPOINT: receiver.url,
        GENERIC_LOGGER_HEADERS: "Authorization=Bearer hook-token,X-Org=acme",
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
    await upstream?.close();
  });

  it("posts a payload per request with the configured headers, never the virtual key", async () => {
    expect(gateway!.warnings.join("\n")).not.toMatch(/callbacks/);
    const { key, token } = await manage<{ key: string; token: string }>(
      gateway!,
      gateway!.masterKey,
      "/key/generate",
      { key_alias: "hooked" },
    );
    const openai = new OpenAI({ apiKey: key, baseURL: gateway!.baseURL, maxRetries: 0 });
    const ok = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hello hook" }] })
      .withResponse();
    upstream.enqueue(() => openaiError(400, { message: "bad request" }));
    await expect(
      openai.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    // Shutdown flushes the sink's queue.
    await gateway!.close();
    gateway = undefined;

    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.headers.authorization).toBe("Bearer hook-token");
      expect(request.headers["x-org"]).toBe("acme");
      expect(request.body).not.toContain(key);
    }
    const payloads = receiver.requests.flatMap(
      (r) => JSON.parse(r.body) as StandardLoggingPayload[],
    );
    expect(payloads.map((p) => p.status).sort()).toEqual(["failure", "success"]);
    const success = payloads.find((p) => p.status === "success")!;
    expect(success.id).toBe(ok.response.headers.get("x-litellm-call-id"));
    expect(success.total_tokens).toBe(ok.data.usage!.total_tokens);
    expect(success.metadata.user_api_key_alias).toBe("hooked");
    expect(success.metadata.user_api_key_hash).toMatch(/^[0-9a-f]{16,}$/);
    if (token) expect(success.metadata.user_api_key_hash).toBe(token);
    // Content, because the config turned message logging on: the messages and the answer.
    expect(success.messages).toEqual([{ role: "user", content: "hello hook" }]);
    expect(success.response).toMatchObject({
      choices: [{ message: { content: ok.data.choices[0]!.message.content } }],
    });
    const failure = payloads.find((p) => p.status === "failure")!;
    expect(failure.metadata.http_status).toBe(400);
    expect(failure.messages).toEqual([{ role: "user", content: "x" }]);
  });
});
