import { UpstreamError, type EmbeddingCallResult } from "@org/core";
import type { EmbeddingParts } from "../hooks/router-hooks.ts";

/**
 * The whole batch's answer from a hook's vectors and the upstream's answer for the rest: each
 * empty slot takes the next upstream vector (by its `index`), so the client sees one response in
 * its own input order.
 */
export function mergeEmbeddingParts(
  parts: EmbeddingParts,
  upstream: EmbeddingCallResult,
): EmbeddingCallResult {
  const fresh = [...upstream.response.data].sort((a, b) => a.index - b.index);
  let next = 0;
  const data = parts.vectors.map((vector, index) => {
    const embedding = vector ?? fresh[next++]?.embedding;
    if (embedding === undefined)
      throw new UpstreamError(
        `The upstream answered ${fresh.length} embedding(s) for ${parts.rest.input.length === undefined ? 1 : "more"} uncached input(s).`,
        { retryable: false },
      );
    return { object: "embedding" as const, index, embedding };
  });
  const { rawBody: _raw, ...rest } = upstream;
  return { ...rest, response: { ...upstream.response, data } };
}
