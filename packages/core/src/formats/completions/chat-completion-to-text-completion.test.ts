import { describe, expect, it } from "vitest";
import {
  chatCompletion,
  parseCompletionRequest as parse,
  usage,
} from "./__fixtures__/completion-fixtures.ts";
import { chatCompletionToTextCompletion } from "./chat-completion-to-text-completion.ts";

describe("chatCompletionToTextCompletion", () => {
  it("makes a text_completion in OpenAI's shape", () => {
    const out = chatCompletionToTextCompletion(
      chatCompletion("This is a test."),
      parse({ prompt: "Say" }),
    );
    expect(out).toEqual({
      id: "cmpl-abc",
      object: "text_completion",
      created: 1_700_000_000,
      model: "gpt-4o-2024-08-06",
      choices: [{ text: "This is a test.", index: 0, logprobs: null, finish_reason: "stop" }],
      usage,
      system_fingerprint: "fp_1",
    });
  });

  it("echoes the prompt and maps finish reasons", () => {
    const out = chatCompletionToTextCompletion(
      chatCompletion(" world", "length"),
      parse({ prompt: "Hello", echo: true }),
    );
    expect(out.choices[0]).toMatchObject({ text: "Hello world", finish_reason: "length" });
    const tools = chatCompletionToTextCompletion(
      chatCompletion("", "tool_calls"),
      parse({ prompt: "x" }),
    );
    expect(tools.choices[0]?.finish_reason).toBe("stop");
  });

  it("converts logprobs to the legacy parallel arrays", () => {
    const completion = chatCompletion("Hi there");
    completion.choices[0]!.logprobs = {
      content: [
        {
          token: "Hi",
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [
            { token: "Hi", logprob: -0.1 },
            { token: "Hey", logprob: -2 },
          ],
        },
        { token: " there", logprob: -0.5, bytes: null, top_logprobs: [] },
      ],
    };
    const out = chatCompletionToTextCompletion(completion, parse({ prompt: "x", logprobs: 2 }));
    expect(out.choices[0]?.logprobs).toEqual({
      tokens: ["Hi", " there"],
      token_logprobs: [-0.1, -0.5],
      top_logprobs: [{ Hi: -0.1, Hey: -2 }, {}],
      text_offset: [0, 2],
    });
  });
});
