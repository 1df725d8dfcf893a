import type { Usage } from "@org/core";

/** The most tokens one request can report: the spend log's integer columns hold no more. */
export const MAX_USAGE_TOKENS = 2_147_483_647;

function tokenCount(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_USAGE_TOKENS
  );
}

/** What the gateway counted itself, to stand in for counts the upstream got wrong. */
export interface OwnCounts {
  /** The request's prompt as the gateway counts it. */
  readonly promptTokens: number;
  /** The generated text the client got, counted (called only when needed). */
  readonly completionTokens: () => number;
}

/**
 * The upstream's usage when its counts can be charged, else undefined, so the request is charged
 * on the gateway's own count (the prompt, and the text delivered) as when usage is missing.
 * Broken OpenAI-compatible servers send negative counts, nulls, strings or absurd figures: priced
 * as they came, a negative or non-numeric count cost 0 (the answer was free, and a negative
 * total gave tokens back to the key's tpm window), and a count past the spend log's integer
 * column lost the request's log row and its spend. A count of 0 for a prompt or an answer that
 * is not empty is the gateway's own count instead (a chat prompt is never 0 tokens, and text is
 * at least one). A total that does not add up is recomputed.
 */
export function usableUsage(usage: Usage | undefined, own: OwnCounts): Usage | undefined {
  if (usage === undefined || usage === null) return undefined;
  let { prompt_tokens: prompt, completion_tokens: completion } = usage;
  if (!tokenCount(prompt) || !tokenCount(completion)) return undefined;
  const fixed = (prompt === 0 && own.promptTokens > 0) || completion === 0;
  if (prompt === 0) prompt = own.promptTokens;
  if (completion === 0) completion = own.completionTokens();
  const total = usage.total_tokens;
  if (!fixed && tokenCount(total) && total >= prompt + completion) return usage;
  if (prompt + completion > MAX_USAGE_TOKENS) return undefined;
  if (!fixed) return { ...usage, total_tokens: prompt + completion };
  return {
    ...usage,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/**
 * What an embedding request is charged for: the upstream's prompt tokens, or the input as the
 * gateway counts it when the upstream reported none it can charge (`counted`, called only then:
 * a batch can be large). Servers that leave usage out are read as 0 tokens
 * (openai-embeddings-adapter.ts), and non-empty input is never 0 tokens: such answers were free.
 */
export function embeddingUsage(
  usage: { prompt_tokens: number; total_tokens: number },
  counted: () => number,
): { prompt_tokens: number; total_tokens: number } {
  const prompt = usage.prompt_tokens;
  if (tokenCount(prompt) && prompt > 0) {
    return tokenCount(usage.total_tokens) && usage.total_tokens >= prompt
      ? usage
      : { ...usage, total_tokens: prompt };
  }
  const own = counted();
  return { ...usage, prompt_tokens: own, total_tokens: own };
}
