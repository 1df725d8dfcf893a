import type { EmbeddingRequest, EmbeddingResponse } from "@org/core";
import { decodeEntry, embeddingEntry, encodeEntry } from "../entry/cached-entry.ts";
import { joinInputs, splitInputs, tokenShares } from "../embeddings/embedding-inputs.ts";
import { embeddingKeys } from "../key/cache-key.ts";
import type { CacheStore } from "../store/cache-store.ts";
import type { Clock } from "../util/clock.ts";
import type { CacheAnswer, CacheHookContext } from "./hook-types.ts";
import type { RequestCache } from "./request-cache.ts";

/**
 * Embeddings are cached per input (one `getMany` round trip for the batch): all cached → the
 * cache answers; some → only the others go upstream (`embeddingParts`); none → a plain miss.
 */
export async function embeddingLookup(
  store: CacheStore,
  clock: Clock,
  ctx: CacheHookContext,
  state: RequestCache,
): Promise<CacheAnswer | undefined> {
  const request = ctx.request as EmbeddingRequest;
  const items = splitInputs(request.input);
  const keys = embeddingKeys(
    request as unknown as Record<string, unknown>,
    items,
    ctx.modelGroup,
    state.scope,
  );
  state.items = items;
  state.keys = keys;
  if (items.length === 1) state.key = keys[0];
  if (state.controls.noCache) return undefined;

  const values = await store.getMany(keys);
  const now = clock.now();
  const entries = values.map((value) =>
    decodeEntry(value, "embedding", now, state.controls.maxAgeSeconds),
  );
  const missing: number[] = [];
  entries.forEach((entry, i) => {
    if (entry === undefined) missing.push(i);
  });
  if (missing.length === items.length) return undefined;
  if (missing.length > 0) {
    state.missing = missing;
    return {
      embeddingParts: {
        vectors: entries.map((entry) => entry?.embedding),
        rest: {
          ...request,
          input: joinInputs(
            request.input,
            missing.map((i) => items[i]),
          ),
        },
      },
    };
  }
  state.hit = true;
  const tokens = entries.reduce((sum, entry) => sum + (entry?.tokens ?? 0), 0);
  return {
    embedding: {
      response: {
        object: "list",
        data: entries.map((entry, index) => ({
          object: "embedding" as const,
          index,
          embedding: entry!.embedding,
        })),
        model: entries[0]!.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      upstreamHeaders: {},
    },
  };
}

/** Stores each input that went upstream, with its share of the call's prompt tokens. */
export function storeEmbeddings(
  store: CacheStore,
  clock: Clock,
  state: RequestCache,
  response: EmbeddingResponse,
  ttlSeconds: number | undefined,
  warn: (message: string, fields?: Record<string, unknown>) => void,
): void {
  const items = state.items;
  const keys = state.keys;
  if (items === undefined || keys === undefined) return;
  const fetched = state.missing ?? items.map((_, i) => i);
  const shares = tokenShares(
    fetched.map((i) => items[i]),
    response.usage.prompt_tokens,
  );
  const byIndex = new Map(response.data.map((d) => [d.index, d.embedding]));
  const now = clock.now();
  fetched.forEach((i, j) => {
    const vector = byIndex.get(i);
    const key = keys[i];
    if (vector === undefined || key === undefined) return;
    const value = encodeEntry(
      embeddingEntry(vector, response.model, shares[j] ?? 0, now, ttlSeconds),
    );
    store
      .set(key, value, ttlSeconds)
      .catch((error: unknown) => warn("cache store failed", { error: String(error) }));
  });
}
