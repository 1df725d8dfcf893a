import type { ChatCompletion } from "@org/core";
import { openaiCompletion, type OpenAICompletionSpec } from "../openai/openai-completion.ts";
import { contentFilterResults, promptFilterResults } from "./azure-content-filter.ts";

/**
 * A `chat.completion` as Azure returns it: OpenAI's body (no `service_tier`) plus
 * `prompt_filter_results` and per-choice `content_filter_results`.
 */
export function azureCompletion(spec: OpenAICompletionSpec = {}): ChatCompletion {
  const completion = openaiCompletion({ serviceTier: null, ...spec });
  return {
    ...completion,
    choices: completion.choices.map((choice) => ({
      ...choice,
      content_filter_results:
        choice.finish_reason === "content_filter"
          ? contentFilterResults({ violence: "medium" })
          : contentFilterResults(),
    })),
    prompt_filter_results: promptFilterResults(),
  };
}
