import type { Usage } from "../../openai/chat-response.ts";

/**
 * Ollama metrics to OpenAI usage (docs §11.6): `prompt_eval_count` and `eval_count`. Ollama
 * omits zero counts (`omitempty`), e.g. `prompt_eval_count` when the whole prompt came from
 * its KV cache, so a missing count is 0.
 */
export function convertUsage(metrics: {
  prompt_eval_count?: number | null;
  eval_count?: number | null;
}): Usage {
  const prompt = metrics.prompt_eval_count ?? 0;
  const completion = metrics.eval_count ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}
