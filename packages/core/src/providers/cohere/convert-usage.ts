import type { Usage } from "../../openai/chat-response.ts";
import type { CohereUsage } from "./wire-schemas.ts";

/**
 * Cohere usage to OpenAI usage (docs §11.6). `tokens` counts what the model processed, system
 * preamble included, and is what LiteLLM reports; `billed_units` (what Cohere charges, usually
 * smaller) is the fallback when `tokens` is missing. `cached_tokens` are prompt tokens served
 * from Cohere's cache.
 */
export function convertUsage(usage: CohereUsage | null | undefined): Usage | undefined {
  if (usage === null || usage === undefined) return undefined;
  const prompt = usage.tokens?.input_tokens ?? usage.billed_units?.input_tokens;
  const completion = usage.tokens?.output_tokens ?? usage.billed_units?.output_tokens;
  if (prompt === null || prompt === undefined) {
    if (completion === null || completion === undefined) return undefined;
  }
  const promptTokens = prompt ?? 0;
  const completionTokens = completion ?? 0;
  const cached = usage.cached_tokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...(typeof cached === "number" ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}
