import type { Usage } from "../../openai/chat-response.ts";
import type { GeminiUsageMetadata } from "./wire-schemas.ts";

/**
 * Gemini `usageMetadata` to OpenAI `usage` (wire-formats §11.6):
 * - prompt_tokens = promptTokenCount (which already includes cached tokens);
 * - completion_tokens = candidatesTokenCount + thoughtsTokenCount: Gemini counts thoughts
 *   apart, OpenAI counts reasoning inside completion tokens. As LiteLLM does, thoughts are not
 *   added when prompt + candidates already equals the total (some model versions report
 *   candidates inclusive of thoughts);
 * - total_tokens = totalTokenCount (it may include toolUsePromptTokenCount, which has no
 *   OpenAI field), else the sum;
 * - prompt_tokens_details.cached_tokens = cachedContentTokenCount;
 * - completion_tokens_details.reasoning_tokens = thoughtsTokenCount.
 */
export function convertUsage(metadata: GeminiUsageMetadata): Usage {
  const prompt = metadata.promptTokenCount ?? 0;
  const candidates = metadata.candidatesTokenCount ?? 0;
  const thoughts = metadata.thoughtsTokenCount;
  const inclusive =
    metadata.totalTokenCount !== undefined && prompt + candidates === metadata.totalTokenCount;
  const completion = thoughts !== undefined && !inclusive ? candidates + thoughts : candidates;

  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: metadata.totalTokenCount ?? prompt + completion,
  };
  if (metadata.cachedContentTokenCount !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: metadata.cachedContentTokenCount };
  }
  if (thoughts !== undefined) {
    usage.completion_tokens_details = { reasoning_tokens: thoughts };
  }
  return usage;
}
