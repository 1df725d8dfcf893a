import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import { applyUnsupportedParams } from "../../call/apply-unsupported-params.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { RequestContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mistralProvider } from "./mistral-provider.ts";
import { toMistralToolCallId } from "./tool-call-id.ts";

const chat = mistralProvider.chat!;
const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "mistral",
  model: "mistral-large-latest",
  apiKey: "mistral-key-abcdef",
  params: {},
  ...overrides,
});
const ctxFor = (
  request: Partial<ChatCompletionRequest>,
  overrides: Partial<ProviderDeployment> = {},
): RequestContext => ({
  request: {
    model: "my-mistral",
    messages: [{ role: "user", content: "hi" }],
    ...request,
  } as ChatCompletionRequest,
  deployment: deployment(overrides),
  callId: "call-m1",
});
const bodyOf = async (ctx: RequestContext) =>
  JSON.parse(String((await chat.buildRequest(ctx)).body)) as Record<string, unknown>;

describe("mistral: request", () => {
  it("posts to api.mistral.ai with bearer auth", async () => {
    const request = await chat.buildRequest(ctxFor({}));
    expect(request.url).toBe("https://api.mistral.ai/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer mistral-key-abcdef");
  });

  it("adds /v1 to an api_base without it, as LiteLLM does", async () => {
    const request = await chat.buildRequest(
      ctxFor({}, { apiBase: "https://my-mistral.example.com/" }),
    );
    expect(request.url).toBe("https://my-mistral.example.com/v1/chat/completions");
  });

  it("renames seed and max_completion_tokens, maps tool_choice required to any", async () => {
    const body = await bodyOf(
      ctxFor({
        seed: 42,
        max_completion_tokens: 300,
        tool_choice: "required",
        tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
        safe_prompt: true,
        n: 2,
      }),
    );
    expect(body).toMatchObject({
      model: "mistral-large-latest",
      random_seed: 42,
      max_tokens: 300,
      tool_choice: "any",
      safe_prompt: true,
      n: 2,
    });
    expect(body.seed).toBeUndefined();
    expect(body.max_completion_tokens).toBeUndefined();
  });

  it("keeps a named tool_choice (Mistral takes the same object)", async () => {
    const toolChoice = { type: "function", function: { name: "f" } } as const;
    expect((await bodyOf(ctxFor({ tool_choice: toolChoice }))).tool_choice).toEqual(toolChoice);
  });

  it("never sends stream_options, even when the client did", async () => {
    const body = await bodyOf(ctxFor({ stream: true, stream_options: { include_usage: true } }));
    expect(body.stream).toBe(true);
    expect(body.stream_options).toBeUndefined();
    expect(
      chat.isPassthrough?.(ctxFor({ stream: true, stream_options: { include_usage: true } })),
    ).toBe(false);
  });

  it("rebuilds messages for Mistral's strict schema and maps tool-call ids", async () => {
    const body = await bodyOf(
      ctxFor({
        messages: [
          { role: "developer", content: "Be brief.", name: "ops" },
          {
            role: "user",
            content: [
              { type: "text", text: "Weather?" },
              {
                type: "image_url",
                image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
              },
            ],
            name: "ana",
          },
          {
            role: "assistant",
            content: null,
            refusal: null,
            reasoning_content: "thinking...",
            tool_calls: [
              {
                id: "call_9xYz",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
              },
              {
                id: "Ab3dE5fG7",
                type: "function",
                function: { name: "get_time", arguments: "{}" },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_9xYz", content: "12°C" },
          { role: "tool", tool_call_id: "Ab3dE5fG7", content: [{ type: "text", text: "10:00" }] },
          { role: "assistant", content: "" },
          { role: "user", content: "thanks" },
        ],
      }),
    );
    const mapped = toMistralToolCallId("call_9xYz");
    expect(mapped).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "Weather?" },
          {
            type: "image_url",
            image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
          },
        ],
      },
      {
        role: "assistant",
        tool_calls: [
          {
            id: mapped,
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
          { id: "Ab3dE5fG7", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", content: "12°C", tool_call_id: mapped },
      { role: "tool", content: [{ type: "text", text: "10:00" }], tool_call_id: "Ab3dE5fG7" },
      { role: "user", content: "thanks" },
    ]);
  });

  it("keeps http image URLs and turns a file_id part into Mistral's file chunk", async () => {
    const body = await bodyOf(
      ctxFor({
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
              { type: "file", file: { file_id: "file-abc" } },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          { type: "file", file_id: "file-abc" },
        ],
      },
    ]);
  });

  it("marks a trailing assistant message as a prefix", async () => {
    const body = await bodyOf(
      ctxFor({
        messages: [
          { role: "user", content: "Say hi" },
          { role: "assistant", content: "Hi" },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "user", content: "Say hi" },
      { role: "assistant", content: "Hi", prefix: true },
    ]);
  });

  it("passes json_schema response_format through unchanged", async () => {
    const responseFormat = {
      type: "json_schema",
      json_schema: {
        name: "city",
        schema: { type: "object", properties: { name: { type: "string" } } },
        strict: true,
      },
    } as const;
    expect((await bodyOf(ctxFor({ response_format: responseFormat }))).response_format).toEqual(
      responseFormat,
    );
  });

  it("refuses params Mistral does not have, or drops them with drop_params", () => {
    const request = ctxFor({ logprobs: true, user: "u-1" }).request;
    expect(() => applyUnsupportedParams(request, mistralProvider, deployment())).toThrow(
      InvalidRequestError,
    );
    try {
      applyUnsupportedParams(request, mistralProvider, deployment());
    } catch (error) {
      expect((error as InvalidRequestError).message).toContain(
        "mistral does not support parameters: 'logprobs', 'user'",
      );
      expect((error as InvalidRequestError).param).toBe("logprobs");
    }
    const dropped = applyUnsupportedParams(
      request,
      mistralProvider,
      deployment({ dropParams: true }),
    );
    expect(dropped.logprobs).toBeUndefined();
    expect(dropped.user).toBeUndefined();
  });
});

describe("mistral: tool-call ids", () => {
  it("keeps Mistral ids and maps others deterministically", () => {
    expect(toMistralToolCallId("D681PevKs")).toBe("D681PevKs");
    const a = toMistralToolCallId("call_abc123");
    expect(a).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(toMistralToolCallId("call_abc123")).toBe(a);
    expect(toMistralToolCallId("call_abc124")).not.toBe(a);
    expect(toMistralToolCallId("toolu_01A09q90qw90lq917835lq9")).toMatch(/^[a-zA-Z0-9]{9}$/);
  });
});
