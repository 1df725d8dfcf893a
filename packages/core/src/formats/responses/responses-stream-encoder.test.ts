import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { ChatCompletion, FinishReason, Usage } from "../../openai/chat-response.ts";
import { fixedResponseIds } from "./__fixtures__/fixed-response-ids.ts";
import { chatCompletionToChunks } from "./chat-completion-to-chunks.ts";
import { chatCompletionToResponse } from "./chat-completion-to-response.ts";
import type { ResponseObject, ResponseOutputItem } from "./response-object.ts";
import { ResponsesRequestSchema } from "./responses-request.ts";
import { createResponsesStreamEncoder } from "./responses-stream-encoder.ts";
import type { ResponsesStreamEvent } from "./responses-stream-event.ts";

const request = ResponsesRequestSchema.parse({ model: "gpt-4o", input: "hi", stream: true });
const usage: Usage = {
  prompt_tokens: 9,
  completion_tokens: 5,
  total_tokens: 14,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 2 },
};

function chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function usageChunk(): ChatCompletionChunk {
  return { ...chunk({}), choices: [], usage };
}

function encodeAll(chunks: readonly ChatCompletionChunk[]): ResponsesStreamEvent[] {
  const encoder = createResponsesStreamEncoder(request, fixedResponseIds());
  return [...chunks.flatMap((c) => encoder.encode(c)), ...encoder.finish()];
}

/**
 * Rebuilds the response from the events, the way openai-node's ResponseStream does, and checks
 * that each done item and the final response agree with what the deltas built.
 */
function accumulate(events: readonly ResponsesStreamEvent[]): ResponseObject {
  // Events are sent as JSON: work on copies, as a client would.
  const copies = JSON.parse(JSON.stringify(events)) as ResponsesStreamEvent[];
  let snapshot: ResponseObject | undefined;
  for (const event of copies) {
    if (event.type === "response.created") snapshot = event.response;
    if (!snapshot) throw new Error(`${event.type} before response.created`);
    const item = "output_index" in event ? snapshot.output[event.output_index] : undefined;
    switch (event.type) {
      case "response.output_item.added":
        snapshot.output.push(event.item);
        break;
      case "response.content_part.added":
        if (item?.type === "message" && event.part.type !== "reasoning_text")
          item.content.push(event.part);
        if (item?.type === "reasoning" && event.part.type === "reasoning_text")
          item.content.push(event.part);
        break;
      case "response.output_text.delta": {
        const part = item?.type === "message" ? item.content[event.content_index] : undefined;
        if (part?.type !== "output_text") throw new Error("delta for a missing text part");
        part.text += event.delta;
        break;
      }
      case "response.function_call_arguments.delta":
        if (item?.type !== "function_call") throw new Error("arguments for a missing call");
        item.arguments += event.delta;
        break;
      case "response.reasoning_text.delta": {
        const part = item?.type === "reasoning" ? item.content[event.content_index] : undefined;
        if (!part) throw new Error("reasoning delta for a missing part");
        part.text += event.delta;
        break;
      }
      case "response.output_item.done":
        // The item as rebuilt from deltas must be the item announced as done.
        if (item && "status" in event.item) Object.assign(item, { status: event.item.status });
        expect(item).toEqual(event.item);
        break;
      case "response.completed":
      case "response.incomplete":
        expect(event.response.output).toEqual(snapshot.output);
        return event.response;
    }
  }
  throw new Error("no terminal event");
}

/** Every event's (type, where) as a compact line, to compare orders. */
function trace(events: readonly ResponsesStreamEvent[]): string[] {
  return events.map((event) => {
    const at = "output_index" in event ? `@${event.output_index}` : "";
    const part = "content_index" in event ? `.${event.content_index}` : "";
    const delta = "delta" in event ? ` ${JSON.stringify(event.delta)}` : "";
    return `${event.type}${at}${part}${delta}`;
  });
}

describe("createResponsesStreamEncoder", () => {
  it("emits OpenAI's event order for a text answer, numbered from 0", () => {
    const events = encodeAll([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      usageChunk(),
    ]);
    expect(trace(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added@0",
      "response.content_part.added@0.0",
      'response.output_text.delta@0.0 "Hel"',
      'response.output_text.delta@0.0 "lo"',
      "response.output_text.done@0.0",
      "response.content_part.done@0.0",
      "response.output_item.done@0",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  });

  it("shapes each event as OpenAI does", () => {
    const events = encodeAll([chunk({ content: "Hi" }), chunk({}, "stop"), usageChunk()]);
    const [created, inProgress, added, partAdded, delta, textDone, partDone, itemDone, completed] =
      events;
    expect(created).toMatchObject({
      type: "response.created",
      sequence_number: 0,
      response: {
        id: "resp_test",
        object: "response",
        status: "in_progress",
        output: [],
        usage: null,
      },
    });
    expect(inProgress).toMatchObject({
      type: "response.in_progress",
      response: { status: "in_progress" },
    });
    expect(added).toEqual({
      type: "response.output_item.added",
      sequence_number: 2,
      output_index: 0,
      item: { id: "msg_1", type: "message", status: "in_progress", content: [], role: "assistant" },
    });
    expect(partAdded).toEqual({
      type: "response.content_part.added",
      sequence_number: 3,
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    });
    expect(delta).toEqual({
      type: "response.output_text.delta",
      sequence_number: 4,
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "Hi",
      logprobs: [],
    });
    expect(textDone).toEqual({
      type: "response.output_text.done",
      sequence_number: 5,
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      text: "Hi",
      logprobs: [],
    });
    expect(partDone).toMatchObject({ part: { type: "output_text", text: "Hi" } });
    expect(itemDone).toMatchObject({
      type: "response.output_item.done",
      item: { id: "msg_1", status: "completed", content: [{ type: "output_text", text: "Hi" }] },
    });
    expect(completed).toMatchObject({
      type: "response.completed",
      response: {
        status: "completed",
        model: "gpt-4o-2024-08-06",
        output: [{ id: "msg_1", status: "completed", content: [{ text: "Hi" }] }],
        usage: {
          input_tokens: 9,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 5,
          output_tokens_details: { reasoning_tokens: 2 },
          total_tokens: 14,
        },
      },
    });
  });

  it("streams tool calls as function_call items with argument deltas", () => {
    const events = encodeAll([
      chunk({ role: "assistant", content: null }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: "" },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({
        tool_calls: [
          {
            index: 1,
            id: "call_b",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          },
        ],
      }),
      chunk({}, "tool_calls"),
      usageChunk(),
    ]);
    expect(trace(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added@0",
      'response.function_call_arguments.delta@0 "{\\"city\\":"',
      'response.function_call_arguments.delta@0 "\\"Paris\\"}"',
      "response.function_call_arguments.done@0",
      "response.output_item.done@0",
      "response.output_item.added@1",
      'response.function_call_arguments.delta@1 "{}"',
      "response.function_call_arguments.done@1",
      "response.output_item.done@1",
      "response.completed",
    ]);
    expect(events[2]).toMatchObject({
      item: {
        id: "fc_1",
        type: "function_call",
        status: "in_progress",
        arguments: "",
        call_id: "call_a",
        name: "get_weather",
      },
    });
    expect(events[5]).toEqual({
      type: "response.function_call_arguments.done",
      sequence_number: 5,
      item_id: "fc_1",
      output_index: 0,
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    const final = accumulate(events);
    expect(final.output).toEqual([
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

  it("keeps interleaved parallel calls apart", () => {
    const events = encodeAll([
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "2}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    const final = accumulate(events);
    expect(
      final.output.map((item) => item.type === "function_call" && [item.call_id, item.arguments]),
    ).toEqual([
      ["a", '{"x":1}'],
      ["b", '{"y":2}'],
    ]);
    // One item at a time: every added is followed by its done before the next added.
    const opens = trace(events).filter((line) => /output_item\.(added|done)/.test(line));
    expect(opens).toEqual([
      "response.output_item.added@0",
      "response.output_item.done@0",
      "response.output_item.added@1",
      "response.output_item.done@1",
    ]);
  });

  it("streams reasoning as a reasoning item before the message", () => {
    const events = encodeAll([
      chunk({ reasoning_content: "Let me " }),
      chunk({ reasoning_content: "think." }),
      chunk({ content: "42" }),
      chunk({}, "stop"),
      usageChunk(),
    ]);
    expect(trace(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added@0",
      "response.content_part.added@0.0",
      'response.reasoning_text.delta@0.0 "Let me "',
      'response.reasoning_text.delta@0.0 "think."',
      "response.reasoning_text.done@0.0",
      "response.content_part.done@0.0",
      "response.output_item.done@0",
      "response.output_item.added@1",
      "response.content_part.added@1.0",
      'response.output_text.delta@1.0 "42"',
      "response.output_text.done@1.0",
      "response.content_part.done@1.0",
      "response.output_item.done@1",
      "response.completed",
    ]);
    expect(accumulate(events).output[0]).toEqual({
      id: "rs_1",
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "Let me think." }],
    });
  });

  it("ends a cut-off answer with response.incomplete", () => {
    const events = encodeAll([chunk({ content: "Once" }), chunk({}, "length"), usageChunk()]);
    const last = events.at(-1);
    expect(last?.type).toBe("response.incomplete");
    expect(last).toMatchObject({
      response: {
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
        output: [{ type: "message", status: "incomplete" }],
      },
    });
  });

  it("sends an empty message for an empty answer", () => {
    const events = encodeAll([chunk({ role: "assistant", content: "" }), chunk({}, "stop")]);
    expect(accumulate(events).output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: "" }],
        role: "assistant",
      },
    ]);
  });

  it("streams a refusal as a refusal part", () => {
    const events = encodeAll([
      chunk({ refusal: "I can't" }),
      chunk({ refusal: " do that." }),
      chunk({}, "stop"),
    ]);
    expect(trace(events)).toContain('response.refusal.delta@0.0 "I can\'t"');
    expect(events.find((event) => event.type === "response.refusal.done")).toMatchObject({
      refusal: "I can't do that.",
    });
  });

  it("rebuilds, from the events, the response the non-streamed path makes", () => {
    const completion: ChatCompletion = {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-2024-08-06",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Checking.",
            reasoning_content: "hmm",
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage,
    };
    const streamed = accumulate(encodeAll(chatCompletionToChunks(completion)));
    const whole = chatCompletionToResponse(completion, request, fixedResponseIds());
    expect(streamed).toEqual(whole);
  });

  it("fails mid-stream with response.failed, then an error event", () => {
    const encoder = createResponsesStreamEncoder(request, fixedResponseIds());
    const events = [
      ...encoder.encode(chunk({ content: "partial" })),
      ...encoder.fail({
        type: "api_error",
        code: "upstream_error",
        message: "upstream broke",
        param: null,
      }),
    ];
    expect(trace(events).slice(-2)).toEqual(["response.failed", "error"]);
    expect(events.at(-2)).toMatchObject({
      response: {
        status: "failed",
        error: { code: "server_error", message: "upstream broke" },
        output: [{ type: "message", status: "incomplete", content: [{ text: "partial" }] }],
      },
    });
    expect(events.at(-1)).toEqual({
      type: "error",
      sequence_number: events.length - 1,
      code: "upstream_error",
      message: "upstream broke",
      param: null,
      error: { type: "api_error", code: "upstream_error", message: "upstream broke", param: null },
    });
    expect(encoder.finish()).toEqual([]);
    expect(encoder.encode(chunk({ content: "late" }))).toEqual([]);
  });

  it("starts the response when failing before any chunk, and maps rate limits", () => {
    const encoder = createResponsesStreamEncoder(request, fixedResponseIds());
    const events = encoder.fail({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      message: "slow down",
      param: null,
    });
    expect(trace(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
      "error",
    ]);
    expect(events[2]).toMatchObject({ response: { error: { code: "rate_limit_exceeded" } } });
  });

  it("snapshots items: later deltas do not change events already returned", () => {
    const encoder = createResponsesStreamEncoder(request, fixedResponseIds());
    const first = encoder.encode(chunk({ content: "a" }));
    encoder.encode(chunk({ content: "b" }));
    const added = first.find((event) => event.type === "response.content_part.added");
    expect(added).toMatchObject({ part: { text: "" } });
  });

  it("reads only choice 0", () => {
    const other: ChatCompletionChunk = {
      ...chunk({ content: "other" }),
      choices: [{ index: 1, delta: { content: "other" }, finish_reason: null }],
    };
    const events = encodeAll([chunk({ content: "main" }), other, chunk({}, "stop")]);
    const output = accumulate(events).output as ResponseOutputItem[];
    expect(output).toHaveLength(1);
    expect(output[0]).toMatchObject({ content: [{ text: "main" }] });
  });
});
