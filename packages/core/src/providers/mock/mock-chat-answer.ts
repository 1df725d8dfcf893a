import { isRecord } from "../../util/is-record.ts";
import { DEFAULT_MOCK_TEXT, type MockOptions } from "./mock-options.ts";
import { estimateMockTokens, promptTextOf } from "./estimate-mock-tokens.ts";
import { MOCK_STREAMING_ERROR_PREFIX } from "./mock-error-response.ts";

export interface MockChatInput {
  /** The OpenAI request body the mock "server" received. */
  body: Record<string, unknown>;
  options: MockOptions;
  callId: string;
  /** Unix seconds. */
  created: number;
}

interface MockAnswer {
  text: string | null;
  toolCalls: Record<string, unknown>[];
  finishReason: "stop" | "tool_calls";
  choices: number;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/**
 * What the mock says. Content is `mock_response` (or its `choices[0].message.content` when
 * it is a completion object), else LiteLLM's default text. With tool calls and no explicit
 * text the content is null and the finish reason `tool_calls`, as OpenAI answers.
 */
function answerOf(input: MockChatInput): MockAnswer {
  const { response, toolCalls = [] } = input.options;
  let text: string | null = typeof response === "string" ? response : contentOf(response);
  if (text === null && toolCalls.length === 0) text = DEFAULT_MOCK_TEXT;
  const calls = toolCalls.filter(isRecord);
  const n = typeof input.body.n === "number" && input.body.n > 1 ? Math.floor(input.body.n) : 1;
  const completionText =
    (text ?? "") + calls.map((call) => JSON.stringify(call.function ?? "")).join("");
  const promptTokens = estimateMockTokens(promptTextOf(input.body.messages));
  const completionTokens = estimateMockTokens(completionText) * n;
  return {
    text,
    toolCalls: calls,
    finishReason: calls.length > 0 ? "tool_calls" : "stop",
    choices: n,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** The non-streamed completion, as JSON text. */
export function mockCompletionBody(input: MockChatInput): string {
  const answer = answerOf(input);
  const base = {
    id: `chatcmpl-${input.callId}`,
    object: "chat.completion",
    created: input.created,
    model: String(input.body.model),
    choices: Array.from({ length: answer.choices }, (_, index) => ({
      index,
      message: {
        role: "assistant",
        content: answer.text,
        refusal: null,
        ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
      },
      logprobs: null,
      finish_reason: answer.finishReason,
    })),
    usage: answer.usage,
  };
  // LiteLLM builds the whole response from a dict mock_response.
  const override = isRecord(input.options.response) ? input.options.response : {};
  return JSON.stringify({ ...base, ...override });
}

/**
 * The streamed answer as SSE events, in OpenAI's order: a role chunk, the text split at word
 * boundaries, tool calls (each whole in one delta), a finish chunk, the usage chunk when
 * `stream_options.include_usage` is set, then `[DONE]`. With
 * "Exception: mock_streaming_error" the stream fails with an error event after the first words.
 */
export function mockStreamEvents(input: MockChatInput): string[] {
  const answer = answerOf(input);
  const failMidStream =
    typeof input.options.response === "string" &&
    input.options.response.startsWith(MOCK_STREAMING_ERROR_PREFIX);
  const header = {
    id: `chatcmpl-${input.callId}`,
    object: "chat.completion.chunk",
    created: input.created,
    model: String(input.body.model),
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    JSON.stringify({
      ...header,
      choices: Array.from({ length: answer.choices }, (_, index) => ({
        index,
        delta,
        logprobs: null,
        finish_reason: finishReason,
      })),
      usage: null,
    });

  const events: string[] = [chunk({ role: "assistant", content: "", refusal: null })];
  const pieces = failMidStream ? ["This is a ", "mock "] : splitWords(answer.text ?? "");
  for (const piece of pieces) events.push(chunk({ content: piece }));
  if (failMidStream) {
    events.push(
      JSON.stringify({
        error: {
          message: "This is a mock error raised mid-stream",
          type: "overloaded_error",
          param: null,
          code: 529,
        },
      }),
    );
    return events;
  }
  answer.toolCalls.forEach((call, index) =>
    events.push(chunk({ tool_calls: [{ index, ...call }] })),
  );
  events.push(chunk({}, answer.finishReason));
  const streamOptions = input.body.stream_options;
  if (isRecord(streamOptions) && streamOptions.include_usage === true) {
    events.push(JSON.stringify({ ...header, choices: [], usage: answer.usage }));
  }
  events.push("[DONE]");
  return events;
}

/** "Hello big world" -> ["Hello ", "big ", "world"]: word-sized pieces, whitespace kept. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
}

function contentOf(response: unknown): string | null {
  if (!isRecord(response) || !Array.isArray(response.choices)) return null;
  const first: unknown = response.choices[0];
  if (!isRecord(first) || !isRecord(first.message)) return null;
  return typeof first.message.content === "string" ? first.message.content : null;
}
