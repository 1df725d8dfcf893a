import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Converse `stopReason` to OpenAI's finish_reason (LiteLLM's map, plus
 * `model_context_window_exceeded` as `length`, as vercel/ai maps it). Unknown values become
 * `stop`; callers keep the raw value as `provider_finish_reason`.
 */
export function mapFinishReason(stopReason: string): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return "stop";
  }
}

/**
 * The finish reason once the answer's content is known: the JSON-mode tool is the answer, not
 * a call (`stop`), and tool calls decide `tool_calls` whatever stop reason came with them.
 */
export function finishReasonFor(
  stopReason: string,
  hasToolCalls: boolean,
  answeredWithJsonTool: boolean,
): FinishReason {
  const mapped = mapFinishReason(stopReason);
  if (mapped === "tool_calls" && !hasToolCalls && answeredWithJsonTool) return "stop";
  if (mapped === "stop" && hasToolCalls) return "tool_calls";
  return mapped;
}
