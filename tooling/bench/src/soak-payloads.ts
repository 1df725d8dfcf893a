import { UPSTREAM_MODEL } from "./payloads.ts";

/**
 * What the soak mixes in beside the plain answers (the issue asks for "streams, tool calls and
 * errors mixed"): a tool call (whole and streamed, the arguments split across deltas as OpenAI
 * sends them), an upstream that refuses the request with a 400, and a request the gateway itself
 * refuses (no messages). Each has its own exact check, so a soak that "passes" served every one
 * as it should.
 */

export const TOOL_NAME = "get_weather";
export const TOOL_ARGUMENTS = '{"city":"Paris","unit":"celsius"}';
const TOOL_CALL_ID = "call_bench_1";

/** A model whose api_base answers every request with a 400 (see the fake upstreams). */
export const FAILING_PATH = "/failing/";
export const UPSTREAM_ERROR_MESSAGE = "bench: the upstream refused this request";
export const UPSTREAM_ERROR_JSON = JSON.stringify({
  error: {
    message: UPSTREAM_ERROR_MESSAGE,
    type: "invalid_request_error",
    param: null,
    code: "bench_refused",
  },
});

export function toolRequestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: "user", content: "What is the weather in Paris?" }],
    tools: [
      {
        type: "function",
        function: {
          name: TOOL_NAME,
          description: "The weather in a city",
          parameters: {
            type: "object",
            properties: { city: { type: "string" }, unit: { type: "string" } },
            required: ["city"],
          },
        },
      },
    ],
    tool_choice: "auto",
    ...(stream ? { stream: true } : {}),
  });
}

/** A chat request the gateway refuses itself (400 before any upstream call). */
export function invalidRequestBody(model: string): string {
  return JSON.stringify({ model, messages: "not a list" });
}

export const TOOL_COMPLETION_JSON = JSON.stringify({
  id: "chatcmpl-bench-tool",
  object: "chat.completion",
  created: 1_700_000_000,
  model: UPSTREAM_MODEL,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: TOOL_CALL_ID,
            type: "function",
            function: { name: TOOL_NAME, arguments: TOOL_ARGUMENTS },
          },
        ],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 60, completion_tokens: 18, total_tokens: 78 },
});

function toolChunk(delta: Record<string, unknown>, finishReason: string | null): string {
  const body = {
    id: "chatcmpl-bench-tool",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: UPSTREAM_MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

const half = Math.floor(TOOL_ARGUMENTS.length / 2);
export const TOOL_STREAM_SSE =
  toolChunk({ role: "assistant", content: null }, null) +
  toolChunk(
    {
      tool_calls: [
        {
          index: 0,
          id: TOOL_CALL_ID,
          type: "function",
          function: { name: TOOL_NAME, arguments: "" },
        },
      ],
    },
    null,
  ) +
  toolChunk(
    { tool_calls: [{ index: 0, function: { arguments: TOOL_ARGUMENTS.slice(0, half) } }] },
    null,
  ) +
  toolChunk(
    { tool_calls: [{ index: 0, function: { arguments: TOOL_ARGUMENTS.slice(half) } }] },
    null,
  ) +
  toolChunk({}, "tool_calls") +
  "data: [DONE]\n\n";

interface ToolCallShape {
  function?: { name?: unknown; arguments?: unknown };
}

/** The tool call whole: one call, the name, the arguments exactly, finish_reason tool_calls. */
export function isExpectedToolCall(stream: boolean, body: string): boolean {
  try {
    if (!stream) {
      const parsed = JSON.parse(body) as {
        choices?: { message?: { tool_calls?: ToolCallShape[] }; finish_reason?: unknown }[];
      };
      const choice = parsed.choices?.[0];
      const call = choice?.message?.tool_calls;
      return (
        choice?.finish_reason === "tool_calls" &&
        call?.length === 1 &&
        call[0]?.function?.name === TOOL_NAME &&
        call[0]?.function?.arguments === TOOL_ARGUMENTS
      );
    }
    let name = "";
    let args = "";
    let finish: unknown;
    let done = false;
    for (const line of body.split("\n")) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") {
        done = true;
        continue;
      }
      const parsed = JSON.parse(data) as {
        choices?: { delta?: { tool_calls?: ToolCallShape[] }; finish_reason?: unknown }[];
      };
      const choice = parsed.choices?.[0];
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta?.tool_calls ?? []) {
        if (typeof call.function?.name === "string") name += call.function.name;
        if (typeof call.function?.arguments === "string") args += call.function.arguments;
      }
    }
    return done && finish === "tool_calls" && name === TOOL_NAME && args === TOOL_ARGUMENTS;
  } catch {
    return false;
  }
}

/** An OpenAI error envelope whose message names what went wrong (`mentions`). */
export function isExpectedError(body: string, mentions: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    const message = parsed.error?.message;
    return typeof message === "string" && message.includes(mentions);
  } catch {
    return false;
  }
}
