import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "../../openai/chat-response.ts";
import { chatCompletionToResponse } from "./chat-completion-to-response.ts";
import { fixedResponseIds as fixedIds } from "./__fixtures__/fixed-response-ids.ts";
import { randomResponseIds } from "./response-ids.ts";
import { ResponsesRequestSchema } from "./responses-request.ts";

function completion(
  message: Partial<ChatCompletion["choices"][number]["message"]>,
  finish: ChatCompletion["choices"][number]["finish_reason"] = "stop",
): ChatCompletion {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-2024-08-06",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: null, ...message },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 30,
      total_tokens: 42,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 10 },
    },
    service_tier: "default",
  };
}

const request = ResponsesRequestSchema.parse({ model: "gpt-4o", input: "hi" });

describe("chatCompletionToResponse", () => {
  it("makes a completed response with one message item, in OpenAI's shape", () => {
    const response = chatCompletionToResponse(
      completion({ content: "Hello!" }),
      request,
      fixedIds(),
    );
    expect(response).toEqual({
      id: "resp_test",
      object: "response",
      created_at: 1_700_000_000,
      status: "completed",
      background: false,
      completed_at: 1_700_000_005,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: "gpt-4o-2024-08-06",
      output: [
        {
          id: "msg_1",
          type: "message",
          status: "completed",
          content: [{ type: "output_text", annotations: [], logprobs: [], text: "Hello!" }],
          role: "assistant",
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: "default",
      store: false,
      temperature: 1,
      text: { format: { type: "text" } },
      tool_choice: "auto",
      tools: [],
      top_p: 1,
      truncation: "disabled",
      usage: {
        input_tokens: 12,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 10 },
        total_tokens: 42,
      },
      user: null,
      metadata: {},
    });
    // output_text is an SDK convenience: OpenAI's API does not send it.
    expect(response).not.toHaveProperty("output_text");
  });

  it("echoes the request's settings", () => {
    const req = ResponsesRequestSchema.parse({
      model: "gpt-4o",
      input: "hi",
      instructions: "Be brief.",
      max_output_tokens: 50,
      temperature: 0.3,
      top_p: 0.5,
      tool_choice: "required",
      parallel_tool_calls: false,
      tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
      text: { format: { type: "json_schema", name: "x", schema: { type: "object" } } },
      reasoning: { effort: "high" },
      metadata: { a: "b" },
      user: "u",
    });
    const response = chatCompletionToResponse(completion({ content: "{}" }), req, fixedIds());
    expect(response).toMatchObject({
      instructions: "Be brief.",
      max_output_tokens: 50,
      temperature: 0.3,
      top_p: 0.5,
      tool_choice: "required",
      parallel_tool_calls: false,
      tools: [
        {
          type: "function",
          name: "f",
          description: null,
          parameters: { type: "object" },
          strict: null,
        },
      ],
      text: { format: { type: "json_schema", name: "x", schema: { type: "object" } } },
      reasoning: { effort: "high", summary: null },
      metadata: { a: "b" },
      user: "u",
    });
  });

  it("echoes OpenAI's string metadata only, not LiteLLM's tags list", () => {
    const req = ResponsesRequestSchema.parse({
      model: "gpt-4o",
      input: "hi",
      metadata: { a: "b", tags: ["litellm-tag"] },
    });
    const response = chatCompletionToResponse(completion({ content: "ok" }), req, fixedIds());
    expect(response.metadata).toEqual({ a: "b" });
  });

  it("turns tool calls into function_call items and leaves out an empty message", () => {
    const response = chatCompletionToResponse(
      completion(
        {
          content: null,
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        "tool_calls",
      ),
      request,
      fixedIds(),
    );
    expect(response.status).toBe("completed");
    expect(response.output).toEqual([
      {
        id: "fc_1",
        type: "function_call",
        status: "completed",
        arguments: '{"city":"Paris"}',
        call_id: "call_a",
        name: "get_weather",
      },
      {
        id: "fc_2",
        type: "function_call",
        status: "completed",
        arguments: "{}",
        call_id: "call_b",
        name: "get_time",
      },
    ]);
  });

  it("puts reasoning first, then text, then calls", () => {
    const response = chatCompletionToResponse(
      completion({
        reasoning_content: "thinking…",
        content: "Checking.",
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
      }),
      request,
      fixedIds(),
    );
    expect(response.output.map((item) => item.type)).toEqual([
      "reasoning",
      "message",
      "function_call",
    ]);
    expect(response.output[0]).toEqual({
      id: "rs_1",
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "thinking…" }],
    });
  });

  it("marks a cut-off answer incomplete with reason max_output_tokens", () => {
    const response = chatCompletionToResponse(
      completion({ content: "Once upon" }, "length"),
      request,
      fixedIds(),
    );
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(response).not.toHaveProperty("completed_at");
  });

  it("keeps a refusal as a refusal part", () => {
    const response = chatCompletionToResponse(
      completion({ content: null, refusal: "I can't help with that." }),
      request,
      fixedIds(),
    );
    expect(response.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "refusal", refusal: "I can't help with that." }],
    });
  });

  it("gives an empty answer an empty message and no usage when there was none", () => {
    const body = completion({ content: "" });
    delete body.usage;
    const response = chatCompletionToResponse(body, request, fixedIds());
    expect(response.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: "" }],
        role: "assistant",
      },
    ]);
    expect(response.usage).toBeNull();
  });

  it("uses ids shaped like OpenAI's by default", () => {
    const response = chatCompletionToResponse(completion({ content: "x" }), request);
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.output[0]?.id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(randomResponseIds().responseId).not.toBe(response.id);
  });
});
