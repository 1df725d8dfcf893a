import { UpstreamError } from "../../errors/gateway-error.ts";
import type { EmbeddingResponse } from "../../openai/embeddings.ts";
import type { EmbeddingContext, UpstreamResponse } from "../../provider/adapter.ts";
import { embeddingTexts } from "./convert-embedding-request.ts";
import { mapGeminiStreamError } from "./map-error.ts";
import { GeminiEmbedResponseSchema, GoogleRpcErrorSchema } from "./wire-schemas.ts";

/**
 * `{embedding}` (`:embedContent`) or `{embeddings: [...]}` (`:batchEmbedContents`, in request
 * order) as an OpenAI embeddings list. `encoding_format: "base64"` (openai-node's default) gets
 * each vector as little-endian float32 bytes in base64, as OpenAI sends it.
 *
 * The Gemini API reports no token counts for embeddings, so usage is an estimate (one token per
 * four characters, rounded up per input): spend tracking sees a plausible number, not zero.
 */
export function parseEmbeddingResponse(
  response: UpstreamResponse,
  ctx: EmbeddingContext,
): EmbeddingResponse {
  const { deployment, request } = ctx;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new UpstreamError(`${deployment.provider} sent a response that is not JSON`, {
      provider: deployment.provider,
    });
  }
  const error = GoogleRpcErrorSchema.safeParse(parsed);
  if (error.success) throw mapGeminiStreamError(error.data, deployment);
  const result = GeminiEmbedResponseSchema.safeParse(parsed);
  const vectors = result.success
    ? (result.data.embeddings ??
      (result.data.embedding === undefined ? undefined : [result.data.embedding]))
    : undefined;
  if (vectors === undefined) {
    throw new UpstreamError(
      `${deployment.provider} sent an embeddings response in an unexpected shape`,
      {
        provider: deployment.provider,
      },
    );
  }

  const base64 = request.encoding_format === "base64";
  const tokens = embeddingTexts(request, deployment.provider).reduce(
    (sum, text) => sum + Math.ceil(text.length / 4),
    0,
  );
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? float32Base64(vector.values) : vector.values,
    })),
    model: deployment.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function float32Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return Buffer.from(bytes).toString("base64");
}
