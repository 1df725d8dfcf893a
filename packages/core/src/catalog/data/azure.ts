import type { ModelTable } from "../catalog-entry.ts";

// Source: BerriAI/litellm's model_prices_and_context_window.json, main as mirrored on 2026-07-24
// (RoCry/llm-api-price@8442b93), spot-checked against BerriAI/litellm@00035b69. Facts only: a
// curated subset in our own layout. Prices are USD per token.

/**
 * Azure OpenAI base models that LiteLLM prices differently from OpenAI; every other base model is
 * priced from OPENAI_MODELS.
 */
export const AZURE_OVERRIDES: ModelTable = {
  "gpt-4o-mini": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 16_384,
    input_cost_per_token: 1.65e-7,
    output_cost_per_token: 6.6e-7,
    cache_read_input_token_cost: 7.5e-8,
    supports_function_calling: true,
    supports_vision: true,
    supports_response_schema: true,
    supports_prompt_caching: true,
  },
};
