import { EXPECTED_CONTENT, EXPECTED_STREAM_TEXT, STREAM_PIECES } from "./payloads.ts";

/**
 * The translation path's upstream side: the fake's Anthropic Messages API answers (the same
 * nonce'd sentence as the OpenAI ones, so every check stays the same) and the direct reference's
 * request. The wire format is Anthropic's, as in packages/core's Anthropic fixtures
 * (text-response.json, text-stream.sse) and @org/testing's fake-anthropic.
 */

export const ANTHROPIC_UPSTREAM_MODEL = "claude-sonnet-4-5-20250929";
/** The gateway's second model: `anthropic/<ANTHROPIC_UPSTREAM_MODEL>` at the fake. */
export const BENCH_ANTHROPIC_MODEL = "bench-anthropic";
export const ANTHROPIC_VERSION = "2023-06-01";
/**
 * Begins both message ids (answer and stream). The gateway's translated answer keeps the message
 * id in its own (`chatcmpl-<msg id>`), so its presence shows the Anthropic path served it: the
 * sentence alone would also come back if the model were routed to the OpenAI endpoint.
 */
export const ANTHROPIC_ID_PREFIX = "msg_01Bench";

/** The bench's conversation as an Anthropic body: what the gateway sends upstream for it. */
export function anthropicRequestBody(stream: boolean): string {
  return JSON.stringify({
    model: ANTHROPIC_UPSTREAM_MODEL,
    system: "You are a terse assistant.",
    messages: [{ role: "user", content: "Say the benchmark sentence." }],
    max_tokens: 32,
    temperature: 0,
    ...(stream ? { stream: true } : {}),
  });
}

const usage = {
  input_tokens: 24,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: 14,
  service_tier: "standard",
};

export const ANTHROPIC_MESSAGE_JSON = JSON.stringify({
  id: `${ANTHROPIC_ID_PREFIX}Answer0001`,
  type: "message",
  role: "assistant",
  model: ANTHROPIC_UPSTREAM_MODEL,
  content: [{ type: "text", text: EXPECTED_CONTENT, citations: null }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage,
});

function event(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * message_start, content_block_start, a ping (Anthropic sends one after the first block start),
 * one text_delta per piece of the sentence, content_block_stop, message_delta with the stop
 * reason and usage, message_stop.
 */
export const ANTHROPIC_STREAM_SSE =
  event({
    type: "message_start",
    message: {
      id: `${ANTHROPIC_ID_PREFIX}Stream0001`,
      type: "message",
      role: "assistant",
      model: ANTHROPIC_UPSTREAM_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  }) +
  event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
  event({ type: "ping" }) +
  STREAM_PIECES.map((text) =>
    event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
  ).join("") +
  event({ type: "content_block_stop", index: 0 }) +
  event({
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: usage.output_tokens,
    },
  }) +
  event({ type: "message_stop" });

/** Concatenates the text deltas of an Anthropic SSE body; `done` says whether message_stop came. */
export function readAnthropicStreamText(sse: string): { text: string; done: boolean } {
  let text = "";
  let done = false;
  for (const line of sse.split("\n")) {
    if (!line.startsWith("data:")) continue;
    try {
      const parsed = JSON.parse(line.slice(5)) as {
        type?: string;
        delta?: { type?: string; text?: unknown };
      };
      if (parsed.type === "message_stop") done = true;
      else if (
        parsed.type === "content_block_delta" &&
        parsed.delta?.type === "text_delta" &&
        typeof parsed.delta.text === "string"
      )
        text += parsed.delta.text;
    } catch {
      // A malformed event leaves the text short, which fails the check.
    }
  }
  return { text, done };
}

/** True when a non-streaming body is an Anthropic message whose text is the sentence. */
export function isExpectedAnthropicMessage(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; content?: { text?: unknown }[] };
    return parsed.type === "message" && parsed.content?.[0]?.text === EXPECTED_CONTENT;
  } catch {
    return false;
  }
}

export function isExpectedAnthropicStream(sse: string): boolean {
  const { text, done } = readAnthropicStreamText(sse);
  return done && text === EXPECTED_STREAM_TEXT;
}
