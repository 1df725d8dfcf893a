import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Cohere `finish_reason` to OpenAI's (docs §11.5, LiteLLM's map): `COMPLETE` and
 * `STOP_SEQUENCE` are `stop`, `MAX_TOKENS` is `length`, `TOOL_CALL` is `tool_calls`,
 * `ERROR_TOXIC` (v1) is `content_filter`. `TIMEOUT` (the generation hit Cohere's time limit) is
 * `length`: the answer was cut short, which is what `length` tells a client. `ERROR` without an
 * error message is `stop`, as LiteLLM maps it; the raw value stays in `provider_finish_reason`.
 * Tool calls are also detected structurally, so a `COMPLETE` answer with calls is `tool_calls`.
 */
export function mapFinishReason(
  reason: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (hasToolCalls) return "tool_calls";
  switch (reason) {
    case "MAX_TOKENS":
    case "TIMEOUT":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    case "ERROR_TOXIC":
      return "content_filter";
    default:
      return "stop";
  }
}
