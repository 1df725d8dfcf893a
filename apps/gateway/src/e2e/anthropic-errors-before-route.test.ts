import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Refusals that happen before the Messages route runs (auth, body size) still answer in
// Anthropic's envelope on /v1/messages, so Anthropic SDK clients see the real reason.
describe("errors before the route on Anthropic-format paths", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: { ...defaultConfig(), general_settings: { max_request_size_mb: 0.001 } },
    });
  });
  afterAll(() => gateway?.close());

  it("an unknown key is a 401 in Anthropic's envelope, read by the Anthropic SDK", async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: "sk-unknown", maxRetries: 0 });
    const error = await client.messages
      .create({ model: "mock", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const body = (error as InstanceType<typeof Anthropic.AuthenticationError>).error as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("authentication_error");
    expect(body.error.message).toMatch(/Invalid proxy server token/);
  });

  it("a missing key on count_tokens and an oversized body are Anthropic errors too", async () => {
    const noKey = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { type: string }).type).toBe("error");

    const big = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": gateway.masterKey },
      body: JSON.stringify({
        model: "mock",
        max_tokens: 8,
        messages: [{ role: "user", content: "x".repeat(5_000) }],
      }),
    });
    expect(big.status).toBe(413);
    const json = (await big.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe("error");
    expect(json.error.message).toMatch(/exceeds the limit/);
  });

  it("headers over Node's limit get a JSON 431 in the path's envelope, not an empty body", async () => {
    for (const [path, anthropic] of [
      ["/v1/messages", true],
      ["/v1/chat/completions", false],
    ] as const) {
      const res = await fetch(`${gateway.url}${path}?q=${"x".repeat(20_000)}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": gateway.masterKey },
        body: "{}",
      });
      expect(res.status).toBe(431);
      const json = (await res.json()) as { type?: string; error: { message: string } };
      expect(json.type === "error").toBe(anthropic);
      expect(json.error.message).toMatch(/too large/);
    }
  });

  it("the OpenAI routes keep OpenAI's envelope", async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-unknown" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    const json = (await res.json()) as { type?: string; error: { message: string } };
    expect(json.type).toBeUndefined();
    expect(json.error.message).toMatch(/Invalid proxy server token/);
  });
});
