import type { ModelTable } from "../catalog-entry.ts";

// Source: BerriAI/litellm's model_prices_and_context_window.json, main as mirrored on 2026-07-24
// (RoCry/llm-api-price@8442b93), spot-checked against BerriAI/litellm@00035b69. Facts only: a
// curated subset in our own layout. Prices are USD per token.

/** Cohere models (`cohere/` and `cohere_chat/`). */
export const COHERE_MODELS: ModelTable = {
  "command-a-03-2025": {
    mode: "chat",
    max_input_tokens: 256_000,
    max_output_tokens: 8000,
    input_cost_per_token: 2.5e-6,
    output_cost_per_token: 1e-5,
    supports_function_calling: true,
  },
  "command-r": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 4096,
    input_cost_per_token: 1.5e-7,
    output_cost_per_token: 6e-7,
    supports_function_calling: true,
  },
  "command-r-08-2024": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 4096,
    input_cost_per_token: 1.5e-7,
    output_cost_per_token: 6e-7,
    supports_function_calling: true,
  },
  "command-r-plus": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 4096,
    input_cost_per_token: 2.5e-6,
    output_cost_per_token: 1e-5,
    supports_function_calling: true,
  },
  "command-r-plus-08-2024": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 4096,
    input_cost_per_token: 2.5e-6,
    output_cost_per_token: 1e-5,
    supports_function_calling: true,
  },
  "command-r7b-12-2024": {
    mode: "chat",
    max_input_tokens: 128_000,
    max_output_tokens: 4096,
    input_cost_per_token: 3.75e-8,
    output_cost_per_token: 1.5e-7,
    supports_function_calling: true,
  },
  "embed-english-v3.0": {
    mode: "embedding",
    max_input_tokens: 1024,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 0.0,
  },
  "embed-english-light-v3.0": {
    mode: "embedding",
    max_input_tokens: 1024,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 0.0,
  },
  "embed-multilingual-v3.0": {
    mode: "embedding",
    max_input_tokens: 1024,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 0.0,
  },
  "embed-v4.0": {
    mode: "embedding",
    max_input_tokens: 128_000,
    input_cost_per_token: 1.2e-7,
    output_cost_per_token: 0.0,
  },
};
