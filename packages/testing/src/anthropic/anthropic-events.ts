import { sseEvent } from "../fake-server/sse-event.ts";
import { anthropicErrorBody } from "./anthropic-error.ts";
import { anthropicMessageId, anthropicToolUseId } from "./anthropic-ids.ts";
import {
  ANTHROPIC_DEFAULT_MODEL,
  type AnthropicMessageSpec,
  defaultStopReason,
  FAKE_SIGNATURE,
  pieces,
} from "./anthropic-message.ts";
import { anthropicUsage } from "./anthropic-usage.ts";

export interface AnthropicStreamSpec extends AnthropicMessageSpec {
  /** A `ping` after the first block start, as Anthropic sends (default true). */
  ping?: boolean;
  /** Keep only this many events after `message_start` (to cut a stream short). */
  truncateAfter?: number;
  /** An `error` event after the (possibly truncated) content; then the stream ends. */
  error?: { type: string; message?: string };
  /** Repeat input and cache counts in `message_delta.usage`, as newer servers do (default true). */
  fullDeltaUsage?: boolean;
}

/**
 * The SSE events of a streamed Messages API answer, each `event: <type>\ndata: <json>\n\n`, in
 * Anthropic's order: `message_start`, each block's `content_block_start` / deltas /
 * `content_block_stop`, `message_delta`, `message_stop`. Pass the result to `sse()`.
 */
export function anthropicStreamEvents(spec: AnthropicStreamSpec = {}): string[] {
  const usage = spec.usage ?? anthropicUsage();
  const event = (data: { type: string } & Record<string, unknown>) =>
    sseEvent(JSON.stringify(data), { event: data.type });

  const start = event({
    type: "message_start",
    message: {
      id: spec.id ?? anthropicMessageId(),
      type: "message",
      role: "assistant",
      model: spec.model ?? ANTHROPIC_DEFAULT_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        cache_creation: usage.cache_creation,
        output_tokens: 1,
        service_tier: usage.service_tier,
      },
    },
  });

  const body: string[] = [];
  let index = 0;
  const block = (contentBlock: Record<string, unknown>, deltas: Record<string, unknown>[]) => {
    body.push(event({ type: "content_block_start", index, content_block: contentBlock }));
    if (index === 0 && spec.ping !== false) body.push(event({ type: "ping" }));
    for (const delta of deltas) body.push(event({ type: "content_block_delta", index, delta }));
    body.push(event({ type: "content_block_stop", index }));
    index++;
  };

  const thinking = pieces(spec.thinking);
  if (thinking.length > 0) {
    block({ type: "thinking", thinking: "", signature: "" }, [
      ...thinking.map((text) => ({ type: "thinking_delta", thinking: text })),
      { type: "signature_delta", signature: spec.signature ?? FAKE_SIGNATURE },
    ]);
  }
  for (const data of spec.redactedThinking ?? []) block({ type: "redacted_thinking", data }, []);
  const text = pieces(spec.text);
  if (text.length > 0) {
    block(
      { type: "text", text: "" },
      text.map((piece) => ({ type: "text_delta", text: piece })),
    );
  }
  for (const tool of spec.toolUses ?? []) {
    const fragments = tool.fragments ?? defaultFragments(JSON.stringify(tool.input ?? {}));
    block(
      { type: "tool_use", id: tool.id ?? anthropicToolUseId(), name: tool.name, input: {} },
      fragments.map((fragment) => ({ type: "input_json_delta", partial_json: fragment })),
    );
  }

  const kept = spec.truncateAfter === undefined ? body : body.slice(0, spec.truncateAfter);
  if (spec.error !== undefined) {
    return [
      start,
      ...kept,
      sseEvent(JSON.stringify(anthropicErrorBody(spec.error.type, spec.error.message)), {
        event: "error",
      }),
    ];
  }
  if (spec.truncateAfter !== undefined) return [start, ...kept];

  const fullUsage = spec.fullDeltaUsage ?? true;
  const deltaUsage = {
    ...(fullUsage
      ? {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
        }
      : {}),
    output_tokens: usage.output_tokens,
    ...(usage.output_tokens_details === undefined
      ? {}
      : { output_tokens_details: usage.output_tokens_details }),
  };
  return [
    start,
    ...kept,
    event({
      type: "message_delta",
      delta: { stop_reason: defaultStopReason(spec), stop_sequence: spec.stopSequence ?? null },
      usage: deltaUsage,
    }),
    event({ type: "message_stop" }),
  ];
}

/** `""` first (Anthropic usually starts that way), then the JSON in about three pieces. */
function defaultFragments(json: string): string[] {
  if (json === "{}") return [""];
  const size = Math.max(1, Math.ceil(json.length / 3));
  const parts = [""];
  for (let offset = 0; offset < json.length; offset += size)
    parts.push(json.slice(offset, offset + size));
  return parts;
}
