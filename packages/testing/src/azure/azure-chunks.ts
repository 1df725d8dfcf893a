import { openaiChunks, type OpenAIChunksSpec } from "../openai/openai-chunks.ts";
import { contentFilterResults, promptFilterResults } from "./azure-content-filter.ts";

/**
 * The `data:` payloads of an Azure stream: first the chunk that is not one (`choices: []`,
 * empty `id`/`model`/`object`, only `prompt_filter_results`), then OpenAI's chunks with
 * `content_filter_results` on every choice (empty on the role and finish chunks, a verdict on
 * content), then the usage chunk when asked and `[DONE]`. Pass the result to `sse()`.
 */
export function azureChunks(spec: OpenAIChunksSpec = {}): string[] {
  const promptFilter = JSON.stringify({
    choices: [],
    created: 0,
    id: "",
    model: "",
    object: "",
    prompt_filter_results: promptFilterResults(),
  });
  const chunks = openaiChunks({ serviceTier: null, ...spec }).map((payload) => {
    if (payload === "[DONE]") return payload;
    const chunk = JSON.parse(payload) as {
      choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
    };
    for (const choice of chunk.choices) {
      const hasContent = typeof choice.delta.content === "string" && choice.delta.content !== "";
      const filtered = choice.finish_reason === "content_filter";
      Object.assign(choice, {
        content_filter_results: filtered
          ? contentFilterResults({ violence: "medium" })
          : hasContent
            ? contentFilterResults()
            : {},
      });
    }
    return JSON.stringify(chunk);
  });
  return [promptFilter, ...chunks];
}
