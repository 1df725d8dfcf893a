import type { ModelTable } from "../catalog-entry.ts";

// Source: BerriAI/litellm's model_prices_and_context_window.json, main as mirrored on 2026-07-24
// (RoCry/llm-api-price@8442b93), spot-checked against BerriAI/litellm@00035b69. Facts only: a
// curated subset in our own layout. Prices are USD per token.

/** DeepSeek API models, by the id after `deepseek/`. */
export const DEEPSEEK_MODELS: ModelTable = {
  "deepseek-chat": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 8192,
    input_cost_per_token: 2.8e-7,
    output_cost_per_token: 4.2e-7,
    cache_read_input_token_cost: 2.8e-8,
    cache_creation_input_token_cost: 0.0,
    supports_function_calling: true,
    supports_response_schema: true,
    supports_prompt_caching: true,
  },
  "deepseek-reasoner": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 65_536,
    input_cost_per_token: 2.8e-7,
    output_cost_per_token: 4.2e-7,
    cache_read_input_token_cost: 2.8e-8,
    supports_response_schema: true,
    supports_reasoning: true,
    supports_prompt_caching: true,
  },
  "deepseek-v3.2": {
    mode: "chat",
    max_input_tokens: 163_840,
    max_output_tokens: 163_840,
    input_cost_per_token: 2.8e-7,
    output_cost_per_token: 4e-7,
    supports_function_calling: true,
    supports_reasoning: true,
    supports_prompt_caching: true,
  },
  "deepseek-v4-flash": {
    mode: "chat",
    max_input_tokens: 1_000_000,
    max_output_tokens: 8192,
    input_cost_per_token: 1.4e-7,
    output_cost_per_token: 2.8e-7,
    cache_read_input_token_cost: 2.8e-9,
    cache_creation_input_token_cost: 0.0,
    supports_function_calling: true,
    supports_response_schema: true,
    supports_prompt_caching: true,
  },
  "deepseek-v4-pro": {
    mode: "chat",
    max_input_tokens: 1_000_000,
    max_output_tokens: 8192,
    input_cost_per_token: 4.35e-7,
    output_cost_per_token: 8.7e-7,
    cache_read_input_token_cost: 3.625e-9,
    cache_creation_input_token_cost: 0.0,
    supports_function_calling: true,
    supports_response_schema: true,
    supports_prompt_caching: true,
  },
};
