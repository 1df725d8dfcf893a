import type { Usage } from "../../openai/chat-response.ts";

export interface AnthropicUsageOut {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * OpenAI usage back to Anthropic's split (the inverse of convertUsage): Anthropic's
 * `input_tokens` excludes cache reads and writes, so they are taken out of `prompt_tokens`.
 */
export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsageOut {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}
