import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../errors/gateway-error.ts";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import { fixture, requestContext, response } from "./__fixtures__/fixtures.ts";
import { parseCohereResponse } from "./parse-response.ts";

const parse = (name: string) => parseCohereResponse(response(fixture(name)), requestContext());

describe("Cohere response parsing", () => {
  it("maps a text answer with usage from `tokens` and cached tokens", () => {
    const completion = parse("chat-text-response.json");
    expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
    expect(completion).toMatchObject({
      id: "chatcmpl-5a50480a-cf52-46f0-af01-53d18539bd31",
      object: "chat.completion",
      model: "command-a-03-2025",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today? 👋" },
          finish_reason: "stop",
          provider_finish_reason: "COMPLETE",
        },
      ],
      usage: {
        prompt_tokens: 71,
        completion_tokens: 11,
        total_tokens: 82,
        prompt_tokens_details: { cached_tokens: 64 },
      },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("maps parallel tool calls, with the tool plan as content", () => {
    const completion = parse("chat-tool-calls-response.json");
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      provider_finish_reason: "TOOL_CALL",
      message: {
        content: "I will look up the weather in Oslo and in Madrid.",
        tool_calls: [
          {
            id: "get_weather_x1y2z3a4b5c6",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
          {
            id: "get_weather_p1t92w7gfgq7",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Madrid"}' },
          },
        ],
      },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 1549,
      completion_tokens: 103,
      total_tokens: 1652,
    });
  });

  it("maps thinking parts to reasoning_content and MAX_TOKENS to length", () => {
    expect(parse("chat-thinking-response.json").choices[0]?.message).toEqual({
      role: "assistant",
      content: "9.9 is bigger.",
      reasoning_content: "9.11 has a smaller fractional part than 9.9.",
    });
    expect(parse("chat-max-tokens-response.json").choices[0]).toMatchObject({
      finish_reason: "length",
      provider_finish_reason: "MAX_TOKENS",
    });
  });

  it("falls back to billed units, and gives an empty tool argument as {}", () => {
    const body = JSON.stringify({
      id: "x",
      finish_reason: "COMPLETE",
      message: {
        role: "assistant",
        tool_calls: [{ id: "t1", type: "function", function: { name: "ping", arguments: "" } }],
      },
      usage: { billed_units: { input_tokens: 3, output_tokens: 2 } },
    });
    const completion = parseCohereResponse(response(body), requestContext());
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { content: null, tool_calls: [{ function: { name: "ping", arguments: "{}" } }] },
    });
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it("rejects bodies that are not a Cohere answer", () => {
    expect(() => parseCohereResponse(response("<html>"), requestContext())).toThrow(UpstreamError);
    expect(() => parseCohereResponse(response('{"id":"x"}'), requestContext())).toThrow(
      /invalid chat response/,
    );
    expect(() =>
      parseCohereResponse(response('{"message":"internal error"}'), requestContext()),
    ).toThrow("internal error");
  });
});
