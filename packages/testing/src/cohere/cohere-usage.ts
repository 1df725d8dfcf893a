/** Cohere's `usage` object (v2 chat) as sent on the wire. */
export interface CohereUsage {
  billed_units: { input_tokens: number; output_tokens: number };
  tokens: { input_tokens: number; output_tokens: number };
  cached_tokens?: number;
}

/**
 * Tokens Cohere's system preamble adds to every prompt: `tokens.input_tokens` counts them,
 * `billed_units.input_tokens` does not, which is how the real API reports (billed < processed).
 */
export const COHERE_PREAMBLE_TOKENS = 66;

export function cohereUsage(
  billedInput: number,
  output: number,
  options: { preambleTokens?: number; cachedTokens?: number } = {},
): CohereUsage {
  return {
    billed_units: { input_tokens: billedInput, output_tokens: output },
    tokens: {
      input_tokens: billedInput + (options.preambleTokens ?? COHERE_PREAMBLE_TOKENS),
      output_tokens: output,
    },
    ...(options.cachedTokens === undefined ? {} : { cached_tokens: options.cachedTokens }),
  };
}
