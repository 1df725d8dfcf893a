import { createFamilyProvider } from "./create-family-provider.ts";

/** No `/v1`: Perplexity serves `https://api.perplexity.ai/chat/completions`. */
export const PERPLEXITY_API_BASE = "https://api.perplexity.ai";

/**
 * Perplexity (Sonar). No tool calling and no log-probabilities (LiteLLM's supported list is
 * sampling, `max_tokens`, `response_format`, `web_search_options`, `reasoning_effort`).
 * Search results (`citations`, `search_results`) ride on the response as extra fields and pass
 * through. Usage comes with the stream unasked, so no `stream_options` is sent.
 */
export const perplexityProvider = createFamilyProvider({
  id: "perplexity",
  defaultApiBase: PERPLEXITY_API_BASE,
  unsupportedParams: [
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "functions",
    "function_call",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "n",
  ],
  injectStreamUsage: false,
  embeddingsPath: false,
});
