import type { ChunkFixer } from "../openai-compatible/family/family-stream-transformer.ts";

/**
 * Azure opens a stream with a chunk that is not one: `choices: []`, empty `id`, `model` and
 * `object`, carrying only `prompt_filter_results`. Re-encoded streams must not start with it
 * (the id and role come from the first real chunk), so it is dropped and its
 * `prompt_filter_results` ride on the next chunk instead, as an extra field.
 */
export function createAzureChunkFixer(): ChunkFixer {
  let promptFilterResults: unknown;
  return (chunk) => {
    const fields = chunk as Record<string, unknown>;
    if (chunk.choices.length === 0 && (chunk.usage === null || chunk.usage === undefined)) {
      if (fields.prompt_filter_results !== undefined) {
        promptFilterResults = fields.prompt_filter_results;
      }
      return null;
    }
    if (promptFilterResults !== undefined && fields.prompt_filter_results === undefined) {
      fields.prompt_filter_results = promptFilterResults;
      promptFilterResults = undefined;
    }
    return chunk;
  };
}
