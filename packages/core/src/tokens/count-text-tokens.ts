import { tiktokenEncoding } from "./tiktoken-encodings.ts";
import {
  tokenizerProfile,
  type TokenizerProfile,
  type TokenizerTarget,
} from "./tokenizer-profile.ts";

/** Tokens of plain text under a profile: exact for OpenAI, scaled o200k_base otherwise. */
export function countWithProfile(text: string, profile: TokenizerProfile): number {
  const tokens = tiktokenEncoding(profile.encoding).count(text);
  return profile.factor === 1 ? tokens : Math.ceil(tokens * profile.factor);
}

/**
 * The tokens `text` takes for a model: exact for OpenAI models (o200k_base or cl100k_base), an
 * estimate for other providers (see `TokenizerProfile`).
 */
export function countTextTokens(text: string, target: TokenizerTarget): number {
  return countWithProfile(text, tokenizerProfile(target));
}
