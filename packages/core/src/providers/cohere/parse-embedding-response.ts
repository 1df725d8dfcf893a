import { UpstreamError } from "../../errors/gateway-error.ts";
import type { EmbeddingResponse } from "../../openai/embeddings.ts";
import type { EmbeddingContext, UpstreamResponse } from "../../provider/adapter.ts";
import { encodeEmbedding } from "./encode-embedding.ts";
import { CohereEmbedResponseSchema } from "./wire-schemas.ts";

/**
 * Cohere's `embeddings.float` (in input order) to an OpenAI embeddings list. Usage is
 * `meta.billed_units.input_tokens` (what LiteLLM reports), else `meta.tokens.input_tokens`.
 */
export function parseEmbeddingResponse(
  response: UpstreamResponse,
  ctx: EmbeddingContext,
): EmbeddingResponse {
  let payload: unknown;
  try {
    payload = JSON.parse(response.body);
  } catch {
    throw new UpstreamError("cohere returned an embeddings response that is not JSON", {
      provider: "cohere",
    });
  }
  const parsed = CohereEmbedResponseSchema.safeParse(payload);
  const vectors = parsed.success ? parsed.data.embeddings.float : undefined;
  if (!parsed.success || vectors === undefined || vectors === null) {
    throw new UpstreamError("cohere returned an embeddings response without float embeddings", {
      provider: "cohere",
    });
  }
  const meta = parsed.data.meta;
  const tokens = meta?.billed_units?.input_tokens ?? meta?.tokens?.input_tokens ?? 0;
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(vector, ctx.request.encoding_format),
    })),
    model: ctx.deployment.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
