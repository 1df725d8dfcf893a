import { createRequire } from "node:module";
import type { TiktokenBPE } from "js-tiktoken/lite";
import { createBpeTokenizer, type BpeTokenizer } from "./bpe-tokenizer.ts";

/** The two encodings current OpenAI models use. */
export type TiktokenEncodingName = "o200k_base" | "cl100k_base";

// A synchronous require so counting stays synchronous: the rank files are CommonJS builds in
// js-tiktoken, loaded only when an encoding is first used (each is megabytes of base64).
const require = createRequire(import.meta.url);

function loadRanks(name: TiktokenEncodingName): TiktokenBPE {
  // Literal specifiers, one per encoding, so bundlers can see exactly which files are needed.
  return name === "o200k_base"
    ? (require("js-tiktoken/ranks/o200k_base") as TiktokenBPE)
    : (require("js-tiktoken/ranks/cl100k_base") as TiktokenBPE);
}

// Loaded at most once per process and never changed after: a cache of immutable data, not
// shared state (every instance builds the same tokenizer).
const loaded = new Map<TiktokenEncodingName, BpeTokenizer>();

/**
 * The tokenizer for an encoding, built on first use. The first call pays for loading the rank
 * file and building the table: measured on a busy 2-core machine, o200k_base 170-420 ms and
 * cl100k_base ~100 ms (js-tiktoken's own `Tiktoken` constructor took ~2.4 s and ~0.5 s there).
 * Call `preloadTokenizers()` at startup to keep that off the first request.
 */
export function tiktokenEncoding(name: TiktokenEncodingName): BpeTokenizer {
  let tokenizer = loaded.get(name);
  if (tokenizer === undefined) {
    tokenizer = createBpeTokenizer(loadRanks(name));
    loaded.set(name, tokenizer);
  }
  return tokenizer;
}

/** Builds the given encodings now (both by default), e.g. while the gateway starts. */
export function preloadTokenizers(
  names: readonly TiktokenEncodingName[] = ["o200k_base", "cl100k_base"],
): void {
  for (const name of names) tiktokenEncoding(name);
}
