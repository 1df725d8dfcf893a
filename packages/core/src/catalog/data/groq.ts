import type { ModelTable } from "../catalog-entry.ts";

// Source: BerriAI/litellm's model_prices_and_context_window.json, main as mirrored on 2026-07-24
// (RoCry/llm-api-price@8442b93), spot-checked against BerriAI/litellm@00035b69. Facts only: a
// curated subset in our own layout. Prices are USD per token.

/** Groq models, by the id after `groq/`. */
export const GROQ_MODELS: ModelTable = {
  "llama-3.1-8b-instant": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 8192,
    input_cost_per_token: 5e-8,
    output_cost_per_token: 8e-8,
    supports_function_calling: true,
  },
  "llama-3.3-70b-versatile": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 32_768,
    input_cost_per_token: 5.9e-7,
    output_cost_per_token: 7.9e-7,
    supports_function_calling: true,
  },
  "meta-llama/llama-4-scout-17b-16e-instruct": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 8192,
    input_cost_per_token: 1.1e-7,
    output_cost_per_token: 3.4e-7,
    supports_function_calling: true,
    supports_vision: true,
    supports_response_schema: true,
  },
  "meta-llama/llama-4-maverick-17b-128e-instruct": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 8192,
    input_cost_per_token: 2e-7,
    output_cost_per_token: 6e-7,
    supports_function_calling: true,
    supports_vision: true,
    supports_response_schema: true,
  },
  "openai/gpt-oss-120b": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 32_766,
    input_cost_per_token: 1.5e-7,
    output_cost_per_token: 6e-7,
    cache_read_input_token_cost: 7.5e-8,
    supports_function_calling: true,
    supports_response_schema: true,
    supports_reasoning: true,
  },
  "openai/gpt-oss-20b": {
    mode: "chat",
    max_input_tokens: 131_072,
    max_output_tokens: 32_768,
    input_cost_per_token: 7.5e-8,
    output_cost_per_token: 3e-7,
    cache_read_input_token_cost: 3.75e-8,
    supports_function_calling: true,
    supports_response_schema: true,
    supports_reasoning: true,
  },
  "qwen/qwen3-32b": {
    mode: "chat",
    max_input_tokens: 131_000,
    max_output_tokens: 131_000,
    input_cost_per_token: 2.9e-7,
    output_cost_per_token: 5.9e-7,
    supports_function_calling: true,
    supports_reasoning: true,
  },
  "moonshotai/kimi-k2-instruct-0905": {
    mode: "chat",
    max_input_tokens: 262_144,
    max_output_tokens: 16_384,
    input_cost_per_token: 1e-6,
    output_cost_per_token: 3e-6,
    cache_read_input_token_cost: 5e-7,
    supports_function_calling: true,
    supports_response_schema: true,
  },
};
