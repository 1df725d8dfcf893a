import type { FinishReason } from "../../openai/chat-response.ts";
import type { CompletionFinishReason } from "./text-completion.ts";

/** Legacy completions know no tools: a chat model that called one simply stopped. */
export function toCompletionFinishReason(
  reason: FinishReason | null | undefined,
): CompletionFinishReason | null {
  if (reason === null || reason === undefined) return null;
  if (reason === "length" || reason === "content_filter") return reason;
  return "stop";
}
