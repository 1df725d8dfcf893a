import type { ChatCompletion } from "@org/core";
import { readCacheControls } from "../controls/request-controls.ts";
import {
  chatEntry,
  decodeEntry,
  encodeEntry,
  freshCompletion,
  isFresh,
  type CachedChat,
} from "../entry/cached-entry.ts";
import { decodeChatHit, type ChatHit } from "../entry/chat-hit.ts";
import { chatKey, type KeyScope } from "../key/cache-key.ts";
import { systemClock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger } from "../util/logger.ts";
import type { CacheSettings } from "./cache-settings.ts";
import { embeddingLookup, storeEmbeddings } from "./embedding-cache.ts";
import type { CacheAnswer, CacheHookContext, CacheHooks } from "./hook-types.ts";
import type { RequestCache } from "./request-cache.ts";
import { semanticCache } from "./semantic-cache.ts";

export const CACHE_KEY_HEADER = "x-litellm-cache-key";
export const CACHE_HIT_HEADER = "x-litellm-cache-hit";
export const SIMILARITY_HEADER = "x-litellm-semantic-similarity";

/**
 * The router hooks of the response cache (compose them after the budget hooks, so a refused
 * request never reads the cache and a hit still counts against the caller's limits):
 *
 * - preCall: reads the request's controls, computes the key, and answers from the store (or,
 *   with `semantic`, from the nearest similar prompt): a hit is the stored answer with a fresh id
 *   and `created`; for embeddings, the cached inputs answer and only the rest go upstream.
 * - postCall: stores a complete, successful answer that did not come from the cache, unless the
 *   request said `no-store`. Never awaited by the response (it returns nothing), never throws.
 * - responseHeaders: `x-litellm-cache-key`, and `x-litellm-cache-hit: True` on a hit.
 *
 * A store that is down or slow is a miss (the stores bound their own waits).
 */
export function createCacheHooks(settings: CacheSettings): CacheHooks {
  const { store } = settings;
  const clock = settings.clock ?? systemClock;
  const logger = settings.logger ?? silentLogger;
  const warn = logOncePerInterval(logger, clock);
  const supported =
    settings.supportedCallTypes === undefined ? undefined : new Set(settings.supportedCallTypes);
  const defaultOn = settings.mode !== "default_off";
  const states = new WeakMap<CacheHookContext, RequestCache>();
  const semantic =
    settings.semantic === undefined
      ? undefined
      : semanticCache(settings.semantic, store, clock, warn);

  const begin = (ctx: CacheHookContext): RequestCache | undefined => {
    if (supported !== undefined && !supported.has(callTypeOf(settings, ctx))) return undefined;
    const controls = readCacheControls(
      ctx.request as unknown as Record<string, unknown>,
      settings.cacheControlOf ? settings.cacheControlOf(ctx) : headerOf(ctx),
    );
    if (!(controls.useCache ?? defaultOn)) return undefined;
    const namespace = controls.namespace ?? settings.namespace;
    const scope: KeyScope = {
      tenant:
        settings.namespace !== undefined
          ? `ns:${settings.namespace}`
          : (settings.scopeOf?.(ctx) ?? "global"),
      ...(namespace === undefined ? {} : { namespace }),
    };
    return { scope, controls, hit: false };
  };

  // A store (or index, or embedder) that rejects instead of answering undefined is an outage
  // too: the request goes upstream as on a miss, rather than failing with the cache's error.
  // The line names the request that met the failure (`request_id`, as every request-scoped line
  // does); while the outage lasts, the next ones are only counted (`suppressed`).
  const missOnFailure =
    (ctx: CacheHookContext) =>
    (error: unknown): undefined => {
      warn("cache lookup failed; served uncached", {
        request_id: ctx.callId,
        error: String(error),
      });
      return undefined;
    };

  const lookupChat = async (
    ctx: CacheHookContext,
    state: RequestCache,
  ): Promise<CacheAnswer | undefined> => {
    const key = state.key!;
    const entry = decodeEntry(
      await store.get(key),
      "chat",
      clock.now(),
      state.controls.maxAgeSeconds,
    );
    if (entry !== undefined) {
      state.hit = true;
      return answer(ctx, entry, clock.now());
    }
    return semanticLookup(ctx, state);
  };

  const semanticLookup = async (
    ctx: CacheHookContext,
    state: RequestCache,
  ): Promise<CacheAnswer | undefined> => {
    if (semantic === undefined) return undefined;
    const found = await semantic.lookup(ctx, state);
    return found === undefined ? undefined : answer(ctx, found, clock.now());
  };

  /**
   * A store that keeps entries in process (the memory store) answers a hit synchronously from
   * the entry it decoded once, with the body precomputed: no promise, no JSON.parse, no
   * serialising of the answer. A miss goes on to the semantic lookup, if any.
   */
  const lookupInProcess = (
    ctx: CacheHookContext,
    state: RequestCache,
  ): CacheAnswer | Promise<CacheAnswer | undefined> | undefined => {
    let hit: ChatHit | undefined;
    try {
      hit = store.readDecoded!(state.key!, decodeChatHit);
    } catch (error) {
      return missOnFailure(ctx)(error);
    }
    const now = clock.now();
    if (hit !== undefined && isFresh(hit.entry, now, state.controls.maxAgeSeconds)) {
      state.hit = true;
      const completion = freshCompletion(hit.entry, ctx.callId, now);
      return {
        response: {
          kind: "response",
          completion,
          // The chat route sends these bytes as they are (as it relays an upstream's).
          rawBody: hit.body(completion.id, completion.created),
          upstreamHeaders: {},
        },
      };
    }
    if (semantic === undefined) return undefined;
    return semanticLookup(ctx, state).catch(missOnFailure(ctx));
  };

  return {
    preCall(ctx) {
      const state = begin(ctx);
      if (state === undefined) return undefined;
      states.set(ctx, state);
      if (ctx.kind === "chat") {
        state.key = chatKey(
          ctx.request as unknown as Record<string, unknown>,
          ctx.modelGroup,
          state.scope,
        );
        if (state.controls.noCache) return undefined;
        if (store.readDecoded !== undefined) return lookupInProcess(ctx, state);
        return lookupChat(ctx, state).catch(missOnFailure(ctx));
      }
      return embeddingLookup(store, clock, ctx, state).catch(missOnFailure(ctx));
    },

    postCall(ctx, outcome) {
      const state = states.get(ctx);
      if (state === undefined || state.hit || ctx.cacheHit || state.controls.noStore) return;
      if (outcome.status !== "success" || outcome.partial === true) return;
      // Another group answered: storing it under the requested group's key would serve the
      // fallback's answer for the whole ttl, also after the requested model recovers.
      if ((ctx.fallbacksTaken?.length ?? 0) > 0) return;
      const ttl = state.controls.ttlSeconds ?? settings.ttlSeconds;
      try {
        if (ctx.kind === "embedding") {
          if (outcome.embedding) {
            storeEmbeddings(store, clock, state, outcome.embedding, ttl, (message, fields) =>
              warn(message, { request_id: ctx.callId, ...fields }),
            );
          }
          return;
        }
        const completion = outcome.response;
        if (completion === undefined || !isComplete(completion) || state.key === undefined) return;
        const value = encodeEntry(chatEntry(completion, clock.now(), ttl));
        store
          .set(state.key, value, ttl)
          .catch((error: unknown) =>
            warn("cache store failed", { request_id: ctx.callId, error: String(error) }),
          );
        semantic?.remember(ctx, state, value, ttl);
      } catch (error) {
        warn("cache store failed", { request_id: ctx.callId, error: String(error) });
      }
    },

    responseHeaders(ctx) {
      const state = states.get(ctx);
      if (state === undefined || (state.key === undefined && !state.hit)) return undefined;
      // An embeddings batch has one key per input, so no key header; a full hit still says so.
      const headers: Record<string, string> = {};
      if (state.key !== undefined) headers[CACHE_KEY_HEADER] = state.key;
      if (state.hit) headers[CACHE_HIT_HEADER] = "True";
      if (state.similarity !== undefined) headers[SIMILARITY_HEADER] = state.similarity.toFixed(4);
      return headers;
    },
  };
}

function answer(ctx: CacheHookContext, entry: CachedChat, now: number): CacheAnswer {
  return {
    response: {
      kind: "response",
      completion: freshCompletion(entry, ctx.callId, now),
      upstreamHeaders: {},
    },
  };
}

/**
 * Only an answer that ended normally is stored: every choice has its finish reason, and none was
 * cut by a content filter (filters can be transient; a filtered answer is not "the" answer).
 */
function isComplete(completion: ChatCompletion): boolean {
  return (
    completion.choices.length > 0 &&
    completion.choices.every(
      (choice) =>
        choice.finish_reason !== null &&
        choice.finish_reason !== undefined &&
        choice.finish_reason !== "content_filter",
    )
  );
}

function callTypeOf(settings: CacheSettings, ctx: CacheHookContext): string {
  if (settings.callTypeOf) return settings.callTypeOf(ctx);
  const named = ctx.metadata["call_type"];
  if (typeof named === "string") return named;
  return ctx.kind === "embedding" ? "aembedding" : "acompletion";
}

function headerOf(ctx: CacheHookContext): string | undefined {
  const value = ctx.metadata["cacheControl"];
  return typeof value === "string" ? value : undefined;
}
