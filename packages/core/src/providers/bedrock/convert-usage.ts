import type { Usage } from "../../openai/chat-response.ts";
import type { TokenUsage } from "./wire-schemas.ts";

/**
 * Converse usage to OpenAI's. `inputTokens` excludes cache reads and writes, while OpenAI's
 * `prompt_tokens` counts every prompt token, so both are added back (as LiteLLM does) and also
 * reported apart in `prompt_tokens_details` (reads as `cached_tokens`, writes as
 * `cache_creation_tokens`). `total_tokens` is recomputed as prompt + completion so the OpenAI
 * identity holds whatever Bedrock's `totalTokens` counted.
 */
export function convertUsage(usage: TokenUsage): Usage {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const promptTokens = usage.inputTokens + cacheRead + cacheWrite;
  const out: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
  };
  if (usage.cacheReadInputTokens !== undefined || usage.cacheWriteInputTokens !== undefined) {
    out.prompt_tokens_details = { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite };
  }
  return out;
}
