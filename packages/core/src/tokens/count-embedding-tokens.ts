import type { EmbeddingRequest } from "../openai/embeddings.ts";
import { countTextTokens } from "./count-text-tokens.ts";
import type { TokenizerTarget } from "./tokenizer-profile.ts";

/**
 * Prompt tokens of an embeddings request's `input`: strings are counted like text, token-id arrays
 * (which OpenAI accepts) by their length.
 */
export function countEmbeddingTokens(
  input: EmbeddingRequest["input"],
  target: TokenizerTarget,
): number {
  if (typeof input === "string") return countTextTokens(input, target);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === "string") tokens += countTextTokens(item, target);
    else if (typeof item === "number") tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}
