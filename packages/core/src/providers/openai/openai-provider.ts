import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider.ts";

export const OPENAI_API_BASE = "https://api.openai.com/v1";

/**
 * OpenAI itself, and, with `api_base`, any server that speaks its API (vLLM, LM Studio,
 * llama.cpp, a LiteLLM proxy). LiteLLM's `custom_openai/` and `openai_compatible/` prefixes
 * are registered as aliases of this adapter in `defaultProviders()`.
 */
export const openaiProvider = createOpenAICompatibleProvider({
  id: "openai",
  defaultApiBase: OPENAI_API_BASE,
});
