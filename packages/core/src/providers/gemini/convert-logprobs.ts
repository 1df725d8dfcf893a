import type { GeminiLogprobsResult } from "./wire-schemas.ts";

interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: null;
  top_logprobs: { token: string; logprob: number; bytes: null }[];
}

/**
 * `logprobsResult` (asked for with `responseLogprobs`) to OpenAI `logprobs.content`:
 * `chosenCandidates[i]` is token i, `topCandidates[i].candidates` its alternatives.
 */
export function convertLogprobs(
  result: GeminiLogprobsResult | undefined,
): { content: TokenLogprob[] } | null {
  const chosen = result?.chosenCandidates;
  if (chosen === undefined) return null;
  const content = chosen.map((candidate, i): TokenLogprob => ({
    token: candidate.token ?? "",
    logprob: candidate.logProbability ?? 0,
    bytes: null,
    top_logprobs: (result?.topCandidates?.[i]?.candidates ?? []).map((top) => ({
      token: top.token ?? "",
      logprob: top.logProbability ?? 0,
      bytes: null,
    })),
  }));
  return { content };
}
