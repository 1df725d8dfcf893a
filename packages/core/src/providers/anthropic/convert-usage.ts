import type { Usage } from "../../openai/chat-response.ts";
import type { AnthropicUsage } from "./wire-schemas.ts";

/**
 * Anthropic usage to OpenAI usage (docs §11.6). Anthropic's `input_tokens` excludes cache reads
 * and writes, so `prompt_tokens` adds them back, as LiteLLM reports it. The cache split is kept
 * for pricing: `prompt_tokens_details.cached_tokens` (reads), `cache_creation_tokens` (writes),
 * and LiteLLM's top-level `cache_read_input_tokens` / `cache_creation_input_tokens`.
 * `output_tokens` already includes thinking; `thinking_tokens` becomes `reasoning_tokens`.
 */
export function convertUsage(usage: AnthropicUsage): Usage {
  const input = usage.input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const promptTokens = input + cacheRead + cacheWrite;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: output,
    total_tokens: promptTokens + output,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      ...(cacheWrite > 0 ? { cache_creation_tokens: cacheWrite } : {}),
    },
    ...(typeof thinking === "number"
      ? { completion_tokens_details: { reasoning_tokens: thinking } }
      : {}),
    ...(cacheRead > 0 ? { cache_read_input_tokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cache_creation_input_tokens: cacheWrite } : {}),
  };
}

/**
 * Stream usage: `message_start` brings input and cache counts, `message_delta` the cumulative
 * output and, on newer servers, corrected input/cache counts. A later non-null value wins.
 */
export function mergeUsage(
  base: AnthropicUsage,
  update: AnthropicUsage | null | undefined,
): AnthropicUsage {
  if (update === null || update === undefined) return base;
  const merged: AnthropicUsage = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
