import { mapFinishReason } from "../../providers/anthropic/map-finish-reason.ts";

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set([
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
  "model_context_window_exceeded",
]);

export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

/**
 * OpenAI `finish_reason` back to Anthropic's `stop_reason` (for the `/v1/messages` route).
 * When the completion came from Anthropic, the raw reason it kept in `provider_finish_reason`
 * is returned as is, so `stop_sequence` and `pause_turn` survive the round trip, unless the
 * gateway changed its meaning (the JSON-mode tool's `tool_use` is a `stop`).
 */
export function toAnthropicStopReason(
  finishReason: string | null | undefined,
  providerFinishReason?: unknown,
): AnthropicStopReason {
  if (
    typeof providerFinishReason === "string" &&
    ANTHROPIC_STOP_REASONS.has(providerFinishReason) &&
    mapFinishReason(providerFinishReason) === finishReason
  ) {
    return providerFinishReason as AnthropicStopReason;
  }
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
