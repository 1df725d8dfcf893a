import type { CacheStore } from "../store/cache-store.ts";
import type { VectorIndex } from "../semantic/vector-index.ts";
import type { Clock } from "../util/clock.ts";
import type { CacheLogger } from "../util/logger.ts";
import type { CacheHookContext } from "./hook-types.ts";

/** The semantic half: embed the prompt, find the nearest cached prompt, answer above a threshold. */
export interface SemanticSettings {
  readonly index: VectorIndex;
  /**
   * The prompt's embedding, through the gateway's own router (`*_semantic_cache_embedding_model`).
   * Aborted after `lookupTimeoutMs`; a failure is a miss.
   */
  embed(text: string, signal: AbortSignal): Promise<ArrayLike<number>>;
  /** Cosine similarity at or above which a cached prompt answers; default 0.95. 1 means exact only. */
  readonly similarityThreshold?: number;
  /** Bound on the embedding call of a lookup; default 1000 ms. */
  readonly lookupTimeoutMs?: number;
}

export interface CacheSettings {
  readonly store: CacheStore;
  /** Seconds an entry lives when the request names none (`cache_params.ttl`); undefined: until evicted. */
  readonly ttlSeconds?: number;
  /**
   * `cache_params.namespace`: one namespace shared by every caller on purpose (replaces the
   * per-tenant scope). Undefined: entries are isolated per tenant (`scopeOf`).
   */
  readonly namespace?: string;
  /** `default_off`: only requests that opt in (`cache: {"use-cache": true}`) use the cache. */
  readonly mode?: "default_on" | "default_off";
  /** LiteLLM call types cached (`acompletion`, `aembedding`, ...); undefined: all. */
  readonly supportedCallTypes?: readonly string[];
  /** The request's call type; default `metadata.call_type`, else `acompletion` / `aembedding`. */
  callTypeOf?(ctx: CacheHookContext): string;
  /** Who may share entries (`team:<id>`, `key:<hash>`); default one global scope. */
  scopeOf?(ctx: CacheHookContext): string;
  /** The request's `Cache-Control` header; default `metadata.cacheControl`. */
  cacheControlOf?(ctx: CacheHookContext): string | undefined;
  readonly semantic?: SemanticSettings;
  readonly clock?: Clock;
  readonly logger?: CacheLogger;
}
