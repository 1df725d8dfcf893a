import type { Router } from "@org/router";
import type { GatewayRequestMetadata } from "../request-metadata.ts";

/**
 * The semantic cache's prompt embedding, through the gateway's own router (the same providers,
 * keys, retries and fallbacks as any embeddings request). Without an identity the budget hooks
 * charge no caller for it; the spend log records it as the gateway's own call.
 */
export async function embedForCache(
  router: Router<GatewayRequestMetadata>,
  model: string,
  text: string,
  signal: AbortSignal,
): Promise<ArrayLike<number>> {
  const result = await router.embedding(
    // No retries: a lookup is bounded (1 s) and a miss costs only the upstream call it saves; an
    // embedder that is down should not make every request wait out a retry schedule.
    { model, input: text, num_retries: 0 },
    { signal, metadata: { call_type: "semantic_cache_embedding" } },
  );
  const embedding = result.response.data[0]?.embedding;
  if (embedding === undefined) throw new Error("the embedding model answered no vector");
  return typeof embedding === "string" ? decodeBase64Floats(embedding) : embedding;
}

/** OpenAI's `encoding_format: base64`: little-endian float32s. */
function decodeBase64Floats(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, "base64");
  const copy = new Uint8Array(bytes.length - (bytes.length % 4));
  copy.set(bytes.subarray(0, copy.length));
  return new Float32Array(copy.buffer);
}
