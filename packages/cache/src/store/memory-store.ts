import { LRUCache } from "lru-cache";
import { systemClock, type Clock } from "../util/clock.ts";
import type { CacheStore, CacheStoreStatus } from "./cache-store.ts";

export interface MemoryStoreOptions {
  /** Most entries kept (least recently used go first). Default 10,000. */
  maxEntries?: number;
  /**
   * Most bytes kept, counted as UTF-16 string length x 2 plus the key, and the value's count again
   * once a hit has kept its decoded form (`readDecoded`). Default 256 MiB.
   */
  maxBytes?: number;
  /** Expiry when `set` names none, in seconds; undefined: entries live until evicted. */
  defaultTtlSeconds?: number;
  clock?: Clock;
}

interface Slot {
  readonly value: string;
  /** Epoch ms; Infinity when the entry does not expire. */
  readonly expiresAt: number;
  /** What `readDecoded` made of `value`, and with which function. */
  readonly decoded?: { readonly by: (value: string) => unknown; readonly result: unknown };
}

/**
 * In-process store: lru-cache bounds it by entries and bytes (a well-kept LRU with size
 * accounting, rather than our own). Expiry is checked against the injected clock (lru-cache's own
 * TTL reads `performance.now()`, which a test cannot move).
 */
export class MemoryStore implements CacheStore {
  readonly #lru: LRUCache<string, Slot>;
  readonly #clock: Clock;
  readonly #defaultTtl: number | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#defaultTtl = options.defaultTtlSeconds;
    this.#lru = new LRUCache<string, Slot>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 256 * 1024 * 1024,
      sizeCalculation: (slot, key) =>
        Math.max(1, (slot.value.length * (slot.decoded === undefined ? 1 : 2) + key.length) * 2),
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.#read(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.#read(key));
  }

  /**
   * The value as `decode` reads it, decoded once per entry and kept with it: a hit does not parse
   * the same string again (JSON.parse was ~8 µs of a memory hit's CPU), and answers without a
   * promise. What `decode` returns is shared by every later read, so it must never be changed
   * (`entry/chat-hit.ts` freezes it). Another `decode` function decodes again and replaces it.
   */
  readDecoded<T>(key: string, decode: (value: string) => T): T | undefined {
    const slot = this.#slot(key);
    if (slot === undefined) return undefined;
    const kept = slot.decoded;
    if (kept?.by === decode) return kept.result as T;
    const result = decode(slot.value);
    // A new slot: lru-cache counts an entry's size again only when its value changes, and this
    // one now also holds the decoded copy (evicting others for its bytes).
    this.#lru.set(key, {
      value: slot.value,
      expiresAt: slot.expiresAt,
      decoded: { by: decode, result },
    });
    return result;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const ttl = ttlSeconds ?? this.#defaultTtl;
    // ttl <= 0 means "do not store"; so does NaN (a ttl parsed wrong), rather than "forever".
    if (ttl !== undefined && !(ttl > 0)) return;
    const expiresAt = ttl === undefined ? Infinity : this.#clock.now() + ttl * 1000;
    this.#lru.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.#lru.delete(key);
  }

  /** Entries held now (tests, metrics). */
  get size(): number {
    return this.#lru.size;
  }

  status(): CacheStoreStatus {
    return { type: "memory", connected: true };
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }

  #read(key: string): string | undefined {
    return this.#slot(key)?.value;
  }

  #slot(key: string): Slot | undefined {
    const slot = this.#lru.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.#clock.now()) {
      this.#lru.delete(key);
      return undefined;
    }
    return slot;
  }
}
