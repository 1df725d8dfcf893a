import type { ChatCompletionRequest, EmbeddingRequest } from "@org/core";

/**
 * The token-count port: estimated input tokens of a request. `kind` says which API the request
 * came through: judging by the body's shape would let a chat request that also carries an
 * `input` field (or an embedding request with a `messages` field) be counted as the other.
 */
export type CountTokens = (
  request: ChatCompletionRequest | EmbeddingRequest,
  kind?: "chat" | "embedding",
) => number;

/**
 * The completion-token port: tokens of generated text a stream delivered, for charging a stream
 * that ended before the upstream reported usage (client gone, upstream error, shutdown cut).
 */
export type CountCompletionTokens = (text: string) => number;

/** The default completion count: characters / 4, like `estimateTokens`. */
export const estimateCompletionTokens: CountCompletionTokens = (text) => Math.ceil(text.length / 4);

/** Per-message framing OpenAI adds (role, separators), rounded up. */
const PER_MESSAGE = 4;

/**
 * The default estimate: characters / 4 (OpenAI's rule of thumb for English) over message text,
 * tool definitions and embedding input, plus 4 tokens per message. It reads strings only, never
 * tokenizes, so it is cheap on the hot path. Images and audio count nothing. Plug an exact
 * tokenizer in through `countTokens` where precision matters.
 */
export const estimateTokens: CountTokens = (request, kind) => {
  if (kind !== "embedding" && "messages" in request && Array.isArray(request.messages)) {
    let chars = 0;
    for (const message of request.messages) {
      const content = (message as { content?: unknown }).content;
      if (typeof content === "string") chars += content.length;
      else if (Array.isArray(content)) {
        for (const part of content) {
          if (
            part !== null &&
            typeof part === "object" &&
            typeof (part as { text?: unknown }).text === "string"
          ) {
            chars += (part as { text: string }).text.length;
          }
        }
      }
      const toolCalls = (message as { tool_calls?: Array<{ function?: { arguments?: string } }> })
        .tool_calls;
      if (Array.isArray(toolCalls)) {
        for (const call of toolCalls) chars += call.function?.arguments?.length ?? 0;
      }
    }
    if (Array.isArray(request.tools)) chars += charsOf(request.tools, 0);
    return Math.ceil(chars / 4) + PER_MESSAGE * request.messages.length;
  }
  const input = (request as EmbeddingRequest).input;
  if (typeof input === "string") return Math.ceil(input.length / 4);
  if (Array.isArray(input)) {
    let tokens = 0;
    for (const item of input) {
      if (typeof item === "string") tokens += Math.ceil(item.length / 4);
      else if (typeof item === "number") tokens += 1;
      else if (Array.isArray(item)) tokens += item.length;
    }
    return tokens;
  }
  return 0;
};

/** Characters of keys and string values in a JSON value, without serialising it. */
function charsOf(value: unknown, depth: number): number {
  if (typeof value === "string") return value.length;
  if (typeof value === "number" || typeof value === "boolean") return 4;
  if (value === null || typeof value !== "object" || depth > 32) return 0;
  let chars = 0;
  if (Array.isArray(value)) {
    for (const item of value) chars += charsOf(item, depth + 1) + 1;
    return chars;
  }
  for (const key in value) {
    chars += key.length + 3 + charsOf((value as Record<string, unknown>)[key], depth + 1);
  }
  return chars;
}
