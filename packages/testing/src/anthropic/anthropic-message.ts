import { anthropicMessageId, anthropicToolUseId } from "./anthropic-ids.ts";
import { anthropicUsage, type AnthropicUsageBody } from "./anthropic-usage.ts";

export const ANTHROPIC_DEFAULT_MODEL = "claude-sonnet-4-5-20250929";

export interface AnthropicToolUseSpec {
  id?: string;
  name: string;
  input?: Record<string, unknown>;
  /** How a stream sends the input JSON; defaults to `""` then the JSON cut in a few pieces. */
  fragments?: readonly string[];
}

export interface AnthropicMessageSpec {
  /** Text deltas (a stream sends one `text_delta` each); joined for a plain response. */
  text?: string | readonly string[];
  /** Thinking deltas, sent as a `thinking` block before the text. */
  thinking?: string | readonly string[];
  /** The thinking block's signature (a fake opaque value by default). */
  signature?: string;
  /** `redacted_thinking` blocks' data, after the thinking block. */
  redactedThinking?: readonly string[];
  toolUses?: readonly AnthropicToolUseSpec[];
  /** Defaults to `tool_use` when there are tool uses, else `end_turn`. */
  stopReason?: string;
  stopSequence?: string | null;
  usage?: AnthropicUsageBody;
  model?: string;
  id?: string;
}

export type AnthropicBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string; citations: null }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export const FAKE_SIGNATURE = "ZmFrZS1zaWduYXR1cmUtbm90LWEtcmVhbC1vbmU=";

export function pieces(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}

/** The content blocks of a spec, in Anthropic's order: thinking, redacted, text, tool uses. */
export function anthropicBlocks(spec: AnthropicMessageSpec): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  const thinking = pieces(spec.thinking);
  if (thinking.length > 0) {
    blocks.push({
      type: "thinking",
      thinking: thinking.join(""),
      signature: spec.signature ?? FAKE_SIGNATURE,
    });
  }
  for (const data of spec.redactedThinking ?? []) blocks.push({ type: "redacted_thinking", data });
  const text = pieces(spec.text);
  if (text.length > 0) blocks.push({ type: "text", text: text.join(""), citations: null });
  for (const tool of spec.toolUses ?? []) {
    blocks.push({
      type: "tool_use",
      id: tool.id ?? anthropicToolUseId(),
      name: tool.name,
      input: tool.input ?? {},
    });
  }
  return blocks;
}

export function defaultStopReason(spec: AnthropicMessageSpec): string {
  return spec.stopReason ?? ((spec.toolUses?.length ?? 0) > 0 ? "tool_use" : "end_turn");
}

/** A non-streamed Messages API response body (key order as Anthropic sends it); wrap in `json()`. */
export function anthropicMessage(spec: AnthropicMessageSpec = {}) {
  return {
    id: spec.id ?? anthropicMessageId(),
    type: "message" as const,
    role: "assistant" as const,
    model: spec.model ?? ANTHROPIC_DEFAULT_MODEL,
    content: anthropicBlocks(spec),
    stop_reason: defaultStopReason(spec),
    stop_sequence: spec.stopSequence ?? null,
    usage: spec.usage ?? anthropicUsage(),
  };
}
