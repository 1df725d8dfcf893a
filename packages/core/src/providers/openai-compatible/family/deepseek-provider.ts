import type { Usage } from "../../../openai/chat-response.ts";
import { createFamilyProvider } from "./create-family-provider.ts";

/**
 * DeepSeek's documented base (api-docs.deepseek.com). LiteLLM defaults to
 * `https://api.deepseek.com/beta` (a superset with prefix completion); set `api_base` to it for
 * those beta features.
 */
export const DEEPSEEK_API_BASE = "https://api.deepseek.com";

/**
 * DeepSeek. OpenAI bodies as they are; `reasoning_content` (thinking models) passes through
 * in messages and deltas. The reasoner rejects `logprobs`, a per-model rule left to DeepSeek's
 * own 400. Usage comes on the finish chunk with `prompt_cache_hit_tokens`, which is OpenAI's
 * `prompt_tokens_details.cached_tokens`. No embeddings endpoint.
 */
export const deepseekProvider = createFamilyProvider({
  id: "deepseek",
  defaultApiBase: DEEPSEEK_API_BASE,
  embeddingsPath: false,
  normalizeUsage: deepseekUsage,
});

function deepseekUsage(usage: Usage): void {
  const hit = (usage as Record<string, unknown>).prompt_cache_hit_tokens;
  if (typeof hit !== "number") return;
  const details = usage.prompt_tokens_details ?? {};
  if (details.cached_tokens === undefined)
    usage.prompt_tokens_details = { ...details, cached_tokens: hit };
}
