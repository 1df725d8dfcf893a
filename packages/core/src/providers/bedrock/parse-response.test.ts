import { describe, expect, it } from "vitest";
import { fixtureFiles } from "../../__fixtures__/adapter-test-kit.ts";
import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import type { RequestContext } from "../../provider/adapter.ts";
import { createBedrockProvider } from "./bedrock-provider.ts";

const NOW = Date.parse("2025-01-01T12:00:00Z");
const chat = createBedrockProvider({ now: () => NOW }).chat!;

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).text;

function ctx(request: Partial<ChatCompletionRequest> = {}): RequestContext {
  return {
    callId: "abc123",
    deployment: {
      provider: "bedrock",
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      params: {},
    },
    request: { model: "bedrock/claude", messages: [{ role: "user", content: "q" }], ...request },
  };
}

function parse(name: string, request: Partial<ChatCompletionRequest> = {}) {
  const completion = chat.parseResponse(
    { status: 200, headers: {}, body: fixture(name) },
    ctx(request),
  );
  // Whatever the mapping, the result is a valid OpenAI chat completion.
  expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
  return completion;
}

describe("bedrock parseResponse", () => {
  it("maps a text answer, with cache reads added back into prompt_tokens", () => {
    expect(parse("response-text.json")).toEqual({
      id: "chatcmpl-abc123",
      object: "chat.completion",
      created: NOW / 1000,
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Oslo is cold and rainy today." },
          finish_reason: "stop",
          logprobs: null,
          provider_finish_reason: "end_turn",
        },
      ],
      usage: {
        prompt_tokens: 1225,
        completion_tokens: 9,
        total_tokens: 1234,
        prompt_tokens_details: { cached_tokens: 1200, cache_creation_tokens: 0 },
      },
    });
  });

  it("maps toolUse blocks to tool_calls with JSON-stringified arguments", () => {
    const completion = parse("response-tool-use.json");
    expect(completion.choices[0]).toMatchObject({
      message: {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
          },
          {
            id: "tooluse_hbTgdi0CSLq_hM4P8csZJA",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          },
        ],
      },
      finish_reason: "tool_calls",
      provider_finish_reason: "tool_use",
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 410,
      completion_tokens: 38,
      total_tokens: 448,
    });
  });

  it("maps reasoningContent to reasoning_content and keeps signatures in thinking_blocks", () => {
    const message = parse("response-reasoning.json").choices[0]?.message;
    expect(message).toEqual({
      role: "assistant",
      content: "4",
      reasoning_content: "Two plus two is four.",
      thinking_blocks: [
        {
          type: "thinking",
          thinking: "Two plus two is four.",
          signature: "ErUBCkYIBRgCIkBmJmV3Zk",
        },
        { type: "redacted_thinking", data: "RW5jcnlwdGVkIHRoaW5raW5n" },
      ],
    });
  });

  it("returns the JSON-mode tool's input as the content, with finish_reason stop", () => {
    const completion = parse("response-json-mode.json", {
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather_report", schema: { type: "object" } },
      },
    });
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: '{"city":"Bergen","temperature":4}',
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.provider_finish_reason).toBe("tool_use");
  });

  it("gives the same fixture back as a tool call when JSON mode was not asked for", () => {
    const completion = parse("response-json-mode.json");
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function.name).toBe("weather_report");
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it.each([
    ["response-guardrail.json", "content_filter", "guardrail_intervened"],
    ["response-max-tokens.json", "length", "max_tokens"],
  ])("maps %s to finish_reason %s", (name, finish, raw) => {
    const choice = parse(name).choices[0];
    expect(choice?.finish_reason).toBe(finish);
    expect(choice?.provider_finish_reason).toBe(raw);
  });

  it("fails with an UpstreamError on a body that is not a Converse response", () => {
    expect(() => chat.parseResponse({ status: 200, headers: {}, body: "<html>" }, ctx())).toThrow(
      UpstreamError,
    );
    expect(() =>
      chat.parseResponse({ status: 200, headers: {}, body: '{"foo":1}' }, ctx()),
    ).toThrow(/not a Converse response/);
  });
});
