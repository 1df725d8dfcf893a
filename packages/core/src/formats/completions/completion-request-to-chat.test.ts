import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import { ChatCompletionRequestSchema } from "../../openai/chat-request.ts";
import { parseCompletionRequest as parse } from "./__fixtures__/completion-fixtures.ts";
import { completionRequestToChat } from "./completion-request-to-chat.ts";
import type { CompletionRequest } from "./completion-request.ts";

function refusal(body: Record<string, unknown>): InvalidRequestError {
  try {
    completionRequestToChat(parse(body));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error("expected a refusal");
}

describe("completionRequestToChat", () => {
  it("sends the prompt as one user message with OpenAI's max_tokens default", () => {
    const chat = completionRequestToChat(parse({ prompt: "Say this is a test" }));
    expect(chat).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Say this is a test" }],
      max_tokens: 16,
    });
    expect(ChatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it("keeps shared and unknown fields, drops completions-only ones", () => {
    const chat = completionRequestToChat(
      parse({
        prompt: ["one prompt"],
        max_tokens: 5,
        temperature: 0,
        stop: ["\n"],
        n: 2,
        best_of: 2,
        echo: true,
        seed: 7,
        stream: true,
        stream_options: { include_usage: true },
        mock_response: "hi",
      }),
    );
    expect(chat).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: "one prompt" }],
      max_tokens: 5,
      temperature: 0,
      stop: ["\n"],
      n: 2,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
      mock_response: "hi",
    });
  });

  it("maps legacy logprobs to chat's", () => {
    expect(completionRequestToChat(parse({ prompt: "x", logprobs: 3 }))).toMatchObject({
      logprobs: true,
      top_logprobs: 3,
    });
    const zero = completionRequestToChat(parse({ prompt: "x", logprobs: 0 }));
    expect(zero.logprobs).toBe(true);
    expect(zero).not.toHaveProperty("top_logprobs");
  });

  it("refuses token prompts, several prompts, suffix, best_of and echo with logprobs", () => {
    expect(refusal({ prompt: [1, 2, 3] }).message).toMatch(/Token-array prompts are not supported/);
    expect(refusal({ prompt: [[1, 2]] }).param).toBe("prompt");
    expect(refusal({ prompt: ["a", "b"] }).message).toMatch(/Only one prompt per request/);
    expect(refusal({ prompt: [] }).param).toBe("prompt");
    expect(refusal({ prompt: "x", suffix: "end" }).param).toBe("suffix");
    expect(refusal({ prompt: "x", best_of: 3 }).param).toBe("best_of");
    expect(refusal({ prompt: "x", echo: true, logprobs: 1 }).param).toBe("logprobs");
    expect(refusal({ prompt: "x", max_tokens: 0 }).param).toBe("max_tokens");
    expect(refusal({ prompt: "x", suffix: "end" }).status).toBe(400);
  });
});

describe("completionRequestToChat: fields the body cannot override", () => {
  it("keeps the translated messages over a stray `messages` field, and ignores __proto__", () => {
    const body = JSON.parse(
      '{"model":"m","prompt":"hi","messages":{"0":{}},"__proto__":{"max_tokens":999}}',
    ) as CompletionRequest;
    const chat = completionRequestToChat(body);
    expect(chat.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(Object.getPrototypeOf(chat)).toBe(Object.prototype);
  });
});
