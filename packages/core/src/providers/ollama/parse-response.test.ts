import { describe, expect, it } from "vitest";
import { NotFoundError, UpstreamError } from "../../errors/gateway-error.ts";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import { fixture, requestContext, response } from "./__fixtures__/fixtures.ts";
import { parseOllamaResponse } from "./parse-response.ts";

const parse = (name: string) => parseOllamaResponse(response(fixture(name)), requestContext());

describe("Ollama response parsing", () => {
  it("maps a text answer with usage and created_at", () => {
    const completion = parse("chat-text-response.json");
    expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
    expect(completion).toEqual({
      id: "chatcmpl-call-test-1",
      object: "chat.completion",
      created: Math.floor(Date.parse("2025-03-01T12:00:05.123Z") / 1000),
      model: "llama3.2",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today? 👋" },
          logprobs: null,
          finish_reason: "stop",
          provider_finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 12, total_tokens: 38 },
    });
  });

  it("maps tool calls: stringified arguments, minted ids, tool_calls finish, thinking", () => {
    const completion = parse("chat-tool-calls-response.json");
    const choice = completion.choices[0]!;
    expect(choice).toMatchObject({
      finish_reason: "tool_calls",
      provider_finish_reason: "stop",
      message: {
        content: null,
        reasoning_content: "The user wants the weather in two cities.",
        tool_calls: [
          {
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo","unit":"celsius"}' },
          },
          { type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
    });
    const ids = choice.message.tool_calls!.map((call) => call.id);
    for (const id of ids) expect(id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(new Set(ids).size).toBe(2);
  });

  it("keeps the id of newer builds' tool calls", () => {
    const body = JSON.stringify({
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "call_upstream1", function: { name: "f", arguments: { a: 1 } } }],
      },
      done: true,
      done_reason: "stop",
    });
    expect(
      parseOllamaResponse(response(body), requestContext()).choices[0]?.message.tool_calls?.[0]?.id,
    ).toBe("call_upstream1");
  });

  it("splits a leading <think> block out of content, and maps length", () => {
    expect(parse("chat-think-tags-response.json").choices[0]?.message).toEqual({
      role: "assistant",
      content: "9.9 is bigger.",
      reasoning_content: "\n9.11 < 9.9 because 0.11 < 0.9.\n",
    });
    const length = parse("chat-length-response.json");
    expect(length.choices[0]).toMatchObject({
      finish_reason: "length",
      provider_finish_reason: "length",
    });
    expect(length.usage).toEqual({ prompt_tokens: 0, completion_tokens: 5, total_tokens: 5 });
  });

  it("throws the mapped error for an error body, and an UpstreamError for garbage", () => {
    expect(() =>
      parseOllamaResponse(
        response('{"error":"model \'x\' not found","status":404}'),
        requestContext(),
      ),
    ).toThrow(NotFoundError);
    expect(() => parseOllamaResponse(response("not json"), requestContext())).toThrow(
      UpstreamError,
    );
  });
});
