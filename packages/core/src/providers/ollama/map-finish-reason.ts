import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Ollama `done_reason` to OpenAI's (docs §11.5): `length` is `length`; `stop`, `load` (a
 * load-only request) and `unload` are `stop`. Ollama reports `stop` even when the answer is
 * tool calls, so calls are detected structurally and give `tool_calls`.
 */
export function mapFinishReason(
  doneReason: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (hasToolCalls) return "tool_calls";
  return doneReason === "length" ? "length" : "stop";
}
