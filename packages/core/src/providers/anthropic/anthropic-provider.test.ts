import { describe, expect, it } from "vitest";
import { applyUnsupportedParams } from "../../call/apply-unsupported-params.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { context } from "./__fixtures__/fixtures.ts";
import { anthropicProvider } from "./anthropic-provider.ts";

async function build(request: Partial<ChatCompletionRequest> = {}, overrides = {}) {
  const upstream = await anthropicProvider.chat!.buildRequest(context(request, overrides));
  return { ...upstream, json: JSON.parse(upstream.body as string) as Record<string, unknown> };
}

describe("anthropicProvider.chat.buildRequest", () => {
  it("posts to api.anthropic.com/v1/messages with x-api-key and anthropic-version", async () => {
    const request = await build();
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://api.anthropic.com/v1/messages");
    expect(request.headers).toEqual({
      "content-type": "application/json",
      accept: "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "sk-ant-api03-test-key-0000000000",
    });
    expect(request.json).toEqual({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 64_000,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  it("accepts api_base as a host, a /v1 base or the full messages URL", async () => {
    for (const apiBase of [
      "http://127.0.0.1:9/",
      "http://127.0.0.1:9/v1",
      "http://127.0.0.1:9/v1/messages",
    ]) {
      expect((await build({}, { apiBase })).url).toBe("http://127.0.0.1:9/v1/messages");
    }
  });

  it("adds anthropic-beta from params, then extra_headers, and asks for SSE when streaming", async () => {
    const request = await build(
      { stream: true },
      {
        params: {
          anthropic_beta: ["context-1m-2025-08-07", "fine-grained-tool-streaming-2025-05-14"],
        },
        extraHeaders: { "X-Trace": "t1" },
        apiVersion: "2023-06-01",
      },
    );
    expect(request.headers["anthropic-beta"]).toBe(
      "context-1m-2025-08-07,fine-grained-tool-streaming-2025-05-14",
    );
    expect(request.headers["x-trace"]).toBe("t1");
    expect(request.headers.accept).toBe("text/event-stream");
    expect(request.json.stream).toBe(true);
  });

  it("sends no auth header when the deployment has no key (local Anthropic-compatible servers)", async () => {
    const request = await build({}, { apiKey: undefined });
    expect(request.headers).not.toHaveProperty("x-api-key");
  });

  it("declares what Anthropic cannot take, so drop_params can remove it", () => {
    const request = {
      model: "m",
      messages: [{ role: "user", content: "x" }],
      seed: 1,
      presence_penalty: 0.5,
      logprobs: true,
    } as ChatCompletionRequest;
    const ctx = context();
    expect(() => applyUnsupportedParams(request, anthropicProvider, ctx.deployment)).toThrow(
      /seed/,
    );
    const dropped = applyUnsupportedParams(request, anthropicProvider, {
      ...ctx.deployment,
      dropParams: true,
    });
    expect(dropped).not.toHaveProperty("seed");
    expect(dropped).not.toHaveProperty("logprobs");
    expect(anthropicProvider.chat?.streamFraming).toBe("sse");
  });
});
