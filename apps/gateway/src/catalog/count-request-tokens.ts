import { countChatTokens, countEmbeddingTokens, countTextTokens } from "@org/core";
import type { ChatCompletionRequest, EmbeddingRequest } from "@org/core";

// The router counts a request once, before it knows which deployment serves it, so the count
// uses OpenAI's o200k tokenizer as the common measure (exact for OpenAI models, a close
// estimate for others; @org/core documents the per-family factors).
const TARGET = { provider: "openai", model: "gpt-4o" } as const;

/** Prompt tokens of a chat or embedding request, for pre-call context checks and estimates. */
export function countRequestTokens(
  request: ChatCompletionRequest | EmbeddingRequest,
  kind?: "chat" | "embedding",
): number {
  // The router says which API the request came through; a body can carry both fields.
  const chat =
    kind === undefined
      ? Array.isArray((request as { messages?: unknown }).messages)
      : kind === "chat";
  if (chat) return countChatTokens(request as ChatCompletionRequest, TARGET);
  return countEmbeddingTokens((request as EmbeddingRequest).input, TARGET);
}

/**
 * Tokens of the text a stream delivered before it ended without the upstream's usage (client
 * gone, upstream error, shutdown cut): what the router charges for it, on the same measure.
 */
export function countCompletionTokens(text: string): number {
  return text === "" ? 0 : countTextTokens(text, TARGET);
}
