import { UpstreamError } from "../../errors/gateway-error.ts";
import type { EmbeddingResponse } from "../../openai/embeddings.ts";
import type { EmbeddingContext, UpstreamResponse } from "../../provider/adapter.ts";
import { encodeEmbedding } from "./encode-embedding.ts";
import { mapOllamaError } from "./map-error.ts";
import { OllamaEmbedResponseSchema, OllamaErrorBodySchema } from "./wire-schemas.ts";

/** `{embeddings: [[...]], prompt_eval_count}` (input order) to an OpenAI embeddings list. */
export function parseEmbeddingResponse(
  response: UpstreamResponse,
  ctx: EmbeddingContext,
): EmbeddingResponse {
  const provider = ctx.deployment.provider;
  let payload: unknown;
  try {
    payload = JSON.parse(response.body);
  } catch {
    throw new UpstreamError(`${provider} returned an embeddings response that is not JSON`, {
      provider,
    });
  }
  if (OllamaErrorBodySchema.safeParse(payload).success) {
    throw mapOllamaError({ ...response, status: 500 }, ctx.deployment);
  }
  const parsed = OllamaEmbedResponseSchema.safeParse(payload);
  if (!parsed.success) {
    throw new UpstreamError(`${provider} returned an embeddings response without embeddings`, {
      provider,
    });
  }
  const tokens = parsed.data.prompt_eval_count ?? 0;
  return {
    object: "list",
    data: parsed.data.embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(vector, ctx.request.encoding_format),
    })),
    model: ctx.deployment.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
