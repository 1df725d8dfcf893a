import { describe, expect, it } from "vitest";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import { ServiceUnavailableError, UpstreamError } from "../../errors/gateway-error.ts";
import { fixture, okResponse, requestContext } from "./__fixtures__/fixtures.ts";
import { parseResponse } from "./parse-response.ts";
import { thoughtSignatureFromId } from "./tool-call-id.ts";

const parse = (name: string, model = "gemini-2.0-flash") =>
  parseResponse(okResponse(fixture(name)), requestContext({}, { model }));

describe("parseResponse", () => {
  it("maps a text answer to an OpenAI completion", () => {
    const completion = parse("generate-text.json");
    expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
    expect(completion).toMatchObject({
      id: "chatcmpl-mK3HaLe0Ffqlz7IPzZ2rwQk",
      object: "chat.completion",
      model: "gemini-2.0-flash",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Bonjour ! Comment puis-je vous aider ? 🌍" },
          finish_reason: "stop",
          provider_finish_reason: "STOP",
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 },
    });
    expect(completion.created).toBeGreaterThan(1_700_000_000);
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("maps parallel function calls to tool_calls with minted ids and finish_reason tool_calls", () => {
    const completion = parse("generate-tool-calls.json", "gemini-2.5-flash");
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.map((call) => [call.function.name, call.function.arguments])).toEqual([
      ["get_weather", '{"city":"Oslo"}'],
      ["get_weather", '{"city":"Bergen"}'],
      ["get_time", "{}"],
    ]);
    for (const call of calls) expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}/);
    expect(new Set(calls.map((call) => call.id)).size).toBe(3);
    // The signature rides in the id so the next turn can send it back.
    expect(thoughtSignatureFromId(calls[0]?.id ?? "")).toBe("CiQBVKhc7ti0QWsWGNzhrsC2jUBGTERvx6D4");
    expect(thoughtSignatureFromId(calls[1]?.id ?? "")).toBeUndefined();
    // Thoughts count as completion tokens, as in OpenAI's usage.
    expect(completion.usage).toEqual({
      prompt_tokens: 71,
      completion_tokens: 75,
      total_tokens: 146,
      completion_tokens_details: { reasoning_tokens: 45 },
    });
  });

  it("puts thought parts in reasoning_content and reports cached tokens", () => {
    const completion = parse("generate-thinking.json", "gemini-2.5-pro");
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: 'There are three r\'s in "strawberry".',
      reasoning_content: "**Counting letters**\n\nI spell out strawberry and count each r.",
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 219,
      total_tokens: 1419,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 210 },
    });
  });

  it("turns a blocked prompt into an empty content_filter choice", () => {
    const completion = parse("generate-blocked-prompt.json");
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: null },
        finish_reason: "content_filter",
        logprobs: null,
        provider_finish_reason: "PROHIBITED_CONTENT",
      },
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 8,
      completion_tokens: 0,
      total_tokens: 8,
    });
  });

  it("maps a SAFETY stop with no content to content_filter", () => {
    const choice = parse("generate-safety-stop.json").choices[0];
    expect(choice).toMatchObject({
      finish_reason: "content_filter",
      provider_finish_reason: "SAFETY",
    });
    expect(choice?.message.content).toBeNull();
  });

  it("orders candidates by index, maps MAX_TOKENS to length and converts logprobs", () => {
    const completion = parse("generate-two-candidates.json");
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, "Red.", "stop"],
      [1, "Blue.", "length"],
    ]);
    expect(completion.choices[0]?.logprobs).toEqual({
      content: [
        {
          token: "Red",
          logprob: -0.01,
          bytes: null,
          top_logprobs: [
            { token: "Red", logprob: -0.01, bytes: null },
            { token: "Blue", logprob: -4.7, bytes: null },
          ],
        },
        {
          token: ".",
          logprob: -0.001,
          bytes: null,
          top_logprobs: [{ token: ".", logprob: -0.001, bytes: null }],
        },
      ],
    });
  });

  it("uses the call id when Gemini sends no responseId", () => {
    const body = JSON.stringify({
      candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "STOP" }],
    });
    expect(parseResponse(okResponse(body), requestContext()).id).toBe("chatcmpl-call-test-1");
  });

  it("throws the mapped error for an error body sent with 200, and for garbage", () => {
    expect(() =>
      parseResponse(okResponse(fixture("error-503-unavailable.json")), requestContext()),
    ).toThrow(ServiceUnavailableError);
    expect(() => parseResponse(okResponse("<html>"), requestContext())).toThrow(UpstreamError);
    expect(() => parseResponse(okResponse("{}"), requestContext())).toThrow(/without candidates/);
  });
});
