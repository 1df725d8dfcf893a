/** Shards per map: growing past 65,536 entries then rehashes ~4,096 in one insert. */
const SHARDS = 16;

/**
 * A Map split in 16 by key, for the in-process index's per-entry lookups. V8 grows a Map by
 * rehashing its whole table in the insert that fills it: ~12 ms at 65,536 entries here, and the
 * index kept three such maps that all filled at the same add (the replay page that took a
 * partition past 65,536 entries held the loop ~36 ms more than the others). Sixteen shards fill
 * at different adds, each rehashing a sixteenth.
 */
export class ShardedMap<K extends string | number, V> {
  readonly #shards: Map<K, V>[] = Array.from({ length: SHARDS }, () => new Map<K, V>());
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: K): V | undefined {
    return this.#shard(key).get(key);
  }

  set(key: K, value: V): void {
    const shard = this.#shard(key);
    const before = shard.size;
    shard.set(key, value);
    this.#size += shard.size - before;
  }

  delete(key: K): boolean {
    const deleted = this.#shard(key).delete(key);
    if (deleted) this.#size -= 1;
    return deleted;
  }

  #shard(key: K): Map<K, V> {
    // Ids count up; keys end in a hex digest (or anything: any spread is correct, an even one
    // is what keeps the rehashes small).
    const h =
      typeof key === "number"
        ? key
        : key.length === 0
          ? 0
          : key.charCodeAt(key.length - 1) * 31 + key.charCodeAt(key.length >> 1);
    return this.#shards[h & (SHARDS - 1)]!;
  }
}
