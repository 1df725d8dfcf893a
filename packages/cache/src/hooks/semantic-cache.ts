import type { ChatCompletionRequest } from "@org/core";
import { decodeEntry, type CachedChat } from "../entry/cached-entry.ts";
import { semanticPartition } from "../key/cache-key.ts";
import { promptText } from "../semantic/prompt-text.ts";
import { normalize } from "../semantic/vector-math.ts";
import type { CacheStore } from "../store/cache-store.ts";
import type { Clock } from "../util/clock.ts";
import type { SemanticSettings } from "./cache-settings.ts";
import type { CacheHookContext } from "./hook-types.ts";
import type { RequestCache } from "./request-cache.ts";

export const DEFAULT_SIMILARITY_THRESHOLD = 0.95;
const DEFAULT_LOOKUP_TIMEOUT_MS = 1000;

/**
 * The semantic half of the chat cache, tried after an exact miss: embed the conversation, find
 * the nearest cached prompt in the same partition (tenant, model group, every other parameter
 * equal), answer when its cosine similarity is at or above the threshold. A threshold of 1 turns
 * it off (exact only): float rounding makes "similarity 1" of two embeddings unreliable, and an
 * identical request is an exact hit anyway.
 */
export function semanticCache(
  settings: SemanticSettings,
  store: CacheStore,
  clock: Clock,
  warn: (message: string, fields?: Record<string, unknown>) => void,
) {
  const threshold = settings.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  const timeoutMs = settings.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
  const enabled = threshold < 1;

  const embed = async (text: string): Promise<Float32Array | undefined> => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Raced, not only signalled: an embedder that ignores the abort must not hold the request.
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error("semantic cache embedding timed out");
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      const vector = await Promise.race([settings.embed(text, controller.signal), timedOut]);
      if (vector.length === 0) return undefined;
      return normalize(vector);
    } catch (error) {
      warn("semantic cache embedding failed; served uncached", { error: String(error) });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  const prepare = (ctx: CacheHookContext, state: RequestCache): string | undefined => {
    const request = ctx.request as ChatCompletionRequest;
    const text = promptText(request.messages);
    if (text === "") return undefined;
    state.partition = semanticPartition(
      request as unknown as Record<string, unknown>,
      ctx.modelGroup,
      state.scope,
    );
    return text;
  };

  return {
    async lookup(ctx: CacheHookContext, state: RequestCache): Promise<CachedChat | undefined> {
      if (!enabled) return undefined;
      const text = prepare(ctx, state);
      if (text === undefined) return undefined;
      const vector = await embed(text);
      if (vector === undefined) return undefined;
      state.vector = vector;
      const partition = state.partition!;
      const match = await settings.index.nearest(partition, vector, threshold, clock.now());
      if (match === undefined) return undefined;
      const value = match.body ?? (await store.get(match.key));
      const entry = decodeEntry(value, "chat", clock.now(), state.controls.maxAgeSeconds);
      if (entry === undefined) {
        // The answer expired or was evicted while its vector stayed: drop the vector too.
        if (value === undefined)
          settings.index
            .remove(partition, match.key)
            .catch((error: unknown) =>
              warn("semantic index remove failed", { error: String(error) }),
            );
        return undefined;
      }
      state.hit = true;
      state.similarity = match.similarity;
      state.key = match.key;
      return entry;
    },

    /** Indexes a stored answer's prompt (embedding it now when the lookup was skipped). */
    remember(
      ctx: CacheHookContext,
      state: RequestCache,
      value: string,
      ttlSeconds: number | undefined,
    ): void {
      if (!enabled || state.key === undefined) return;
      const key = state.key;
      const expiresAt = ttlSeconds === undefined ? Infinity : clock.now() + ttlSeconds * 1000;
      const add = (vector: Float32Array | undefined) => {
        if (vector === undefined || state.partition === undefined) return;
        return settings.index.add({
          partition: state.partition,
          key,
          vector,
          expiresAt,
          body: value,
        });
      };
      if (state.vector !== undefined) {
        void add(state.vector)?.catch((error: unknown) =>
          warn("semantic index add failed", { error: String(error) }),
        );
        return;
      }
      const text = prepare(ctx, state);
      if (text === undefined) return;
      embed(text)
        .then(add)
        .catch((error: unknown) => warn("semantic index add failed", { error: String(error) }));
    },
  };
}
