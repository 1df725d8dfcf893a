/**
 * Where exact cache entries live. One contract for every backend (memory, Redis): values are
 * opaque strings (an encoded `CachedEntry`), keys are the full store key (namespace prefix and
 * hash, see `key/cache-key.ts`), so every instance sharing a Redis uses the same layout.
 *
 * A store never throws to its caller for an outage: `get` answers `undefined` (a miss) and `set`
 * gives up, so a cache that is down or slow behaves as an empty cache. Backends bound their own
 * wait (Redis: `cache_params.socket_timeout`, default 50 ms) and log a failure once per interval.
 */
export interface CacheStore {
  /** The stored value, or undefined when absent, expired, or the backend failed. */
  get(key: string): Promise<string | undefined>;
  /**
   * In-process stores only (the memory store): the value as `decode` reads it, decoded once and
   * kept with the entry, synchronously; undefined when absent or expired. Callers fall back to
   * `get` and decode themselves where a store has no such method (Redis sends a new string on
   * every read). Whatever `decode` returns is shared by every read: never change it.
   */
  readDecoded?<T>(key: string, decode: (value: string) => T): T | undefined;
  /** Several keys in one round trip (embedding batches); same order, undefined for misses. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores `value` for `ttlSeconds` (undefined: the store's default, or no expiry). */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Reachability, for /health/readiness ("memory" is always up). */
  status(): CacheStoreStatus;
  close(): Promise<void>;
}

export interface CacheStoreStatus {
  readonly type: "memory" | "redis";
  readonly connected: boolean;
}
