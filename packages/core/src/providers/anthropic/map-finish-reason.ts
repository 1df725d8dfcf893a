import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Anthropic `stop_reason` to OpenAI `finish_reason` (docs §11.5, LiteLLM's map plus the newer
 * reasons): `end_turn`, `stop_sequence` and `pause_turn` (a paused server-tool turn; the text so
 * far is a complete answer to show) are `stop`; `max_tokens`, `model_context_window_exceeded`
 * and `compaction` are `length`; `tool_use` is `tool_calls`, except for the JSON-mode tool,
 * which the client sees as content (`stop`); `refusal` is `content_filter`. Unknown reasons are
 * `stop`; the raw value is kept as `provider_finish_reason`.
 */
export function mapFinishReason(
  stopReason: string | null | undefined,
  options: { jsonModeOnly?: boolean } = {},
): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
    case "compaction":
      return "length";
    case "tool_use":
      return options.jsonModeOnly ? "stop" : "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}
