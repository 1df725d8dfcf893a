import type { ModelTable } from "../catalog-entry.ts";

// Source: BerriAI/litellm's model_prices_and_context_window.json, main as mirrored on 2026-07-24
// (RoCry/llm-api-price@8442b93), spot-checked against BerriAI/litellm@00035b69. Facts only: a
// curated subset in our own layout. Prices are USD per token.

/**
 * Vertex AI models not in the Gemini or Anthropic tables (Vertex prices Gemini and Claude as those
 * tables do).
 */
export const VERTEX_AI_MODELS: ModelTable = {
  "text-embedding-004": {
    mode: "embedding",
    max_input_tokens: 2048,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 0,
  },
  "text-embedding-005": {
    mode: "embedding",
    max_input_tokens: 2048,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 0,
  },
};
