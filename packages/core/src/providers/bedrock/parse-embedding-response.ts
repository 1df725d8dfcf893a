import { UpstreamError } from "../../errors/gateway-error.ts";
import type { EmbeddingContext, UpstreamResponse } from "../../provider/adapter.ts";
import type { EmbeddingResponse } from "../../openai/embeddings.ts";
import type { EmbeddingModelKind } from "./embedding-model-kind.ts";
import { encodeEmbedding } from "./encode-embedding.ts";
import { CohereEmbeddingResponseSchema, TitanEmbeddingResponseSchema } from "./wire-schemas.ts";

/**
 * Bedrock reports the prompt size of any InvokeModel call in this response header; Titan also
 * puts it in the body (`inputTextTokenCount`), Cohere does not.
 */
const INPUT_TOKENS_HEADER = "x-amzn-bedrock-input-token-count";

/** A Titan (`{embedding, inputTextTokenCount}`) or Cohere (`{embeddings}`) body as OpenAI's list. */
export function parseEmbeddingResponse(
  response: UpstreamResponse,
  ctx: EmbeddingContext,
  kind: EmbeddingModelKind,
): EmbeddingResponse {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw invalid();
  }
  let vectors: number[][];
  let bodyTokens: number | undefined;
  if (kind === "cohere") {
    const parsed = CohereEmbeddingResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid();
    const embeddings = parsed.data.embeddings;
    const floats = Array.isArray(embeddings) ? embeddings : embeddings.float;
    if (floats === undefined) throw invalid();
    vectors = floats;
  } else {
    const parsed = TitanEmbeddingResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid();
    vectors = [parsed.data.embedding];
    bodyTokens = parsed.data.inputTextTokenCount;
  }
  const headerTokens = Number.parseInt(response.headers[INPUT_TOKENS_HEADER] ?? "", 10);
  const promptTokens = bodyTokens ?? (Number.isFinite(headerTokens) ? headerTokens : 0);
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(vector, ctx.request.encoding_format),
    })),
    model: ctx.deployment.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function invalid(): UpstreamError {
  return new UpstreamError("Bedrock returned a body that is not an embeddings response", {
    provider: "bedrock",
  });
}
