import type { Usage } from "@org/core";

export interface OpenAIUsageDetails {
  cachedTokens?: number;
  reasoningTokens?: number;
}

/** A `usage` object with the detail blocks OpenAI always includes. */
export function openaiUsage(
  promptTokens: number,
  completionTokens: number,
  details: OpenAIUsageDetails = {},
): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: details.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: details.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
