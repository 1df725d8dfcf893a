import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "./vector-index.ts";
import { normalize, similarityAt } from "./vector-math.ts";

export interface InProcessVectorIndexOptions {
  /** Most entries held over all partitions; the oldest inserted goes first. Default 100,000. */
  maxEntries?: number;
  logger?: CacheLogger;
  /** Only paces the log lines; expiry is judged by the `now` that `nearest` receives. */
  clock?: Clock;
}

/** Slots a new partition starts with; it doubles from there (capped at `maxEntries`). */
const INITIAL_CAPACITY = 16;

/**
 * One partition's entries, packed: slot i's vector is `vectors[i*dims .. (i+1)*dims)`, so a
 * lookup is one linear pass over one Float32Array (no per-entry objects to chase). Removal moves
 * the last slot into the hole (swap-remove), keeping the block contiguous.
 */
class Partition {
  vectors: Float32Array;
  keys: string[] = [];
  expiresAt: Float64Array;
  readonly slotOf = new Map<string, number>();
  count = 0;

  constructor(
    readonly dims: number,
    capacity: number,
  ) {
    this.vectors = new Float32Array(capacity * dims);
    this.expiresAt = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.expiresAt.length;
  }

  resize(capacity: number): void {
    const vectors = new Float32Array(capacity * this.dims);
    vectors.set(this.vectors.subarray(0, this.count * this.dims));
    const expiresAt = new Float64Array(capacity);
    expiresAt.set(this.expiresAt.subarray(0, this.count));
    this.vectors = vectors;
    this.expiresAt = expiresAt;
  }

  write(slot: number, key: string, vector: Float32Array, expiresAt: number): void {
    this.vectors.set(vector, slot * this.dims);
    this.keys[slot] = key;
    this.expiresAt[slot] = expiresAt;
    this.slotOf.set(key, slot);
  }

  /** Swap-remove: the last slot moves into `slot`. */
  removeSlot(slot: number): string {
    const key = this.keys[slot]!;
    const last = this.count - 1;
    if (slot !== last) {
      const lastKey = this.keys[last]!;
      this.vectors.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.keys[slot] = lastKey;
      this.expiresAt[slot] = this.expiresAt[last]!;
      this.slotOf.set(lastKey, slot);
    }
    this.keys.length = last;
    this.slotOf.delete(key);
    this.count = last;
    return key;
  }
}

/**
 * The embedded semantic index: exact cosine (a dot product of unit vectors) over every live entry
 * of the partition. Exact search is simple and never misses a match; it scans the whole partition
 * per lookup, which the bench (`bench/semantic-index.bench.ts`) measures up to 100k entries.
 *
 * Vectors are normalized on the way in (both stored and queried), so a caller's vector that is
 * not quite unit length still compares as cosine. A partition takes its dimensions from its first
 * entry; an entry of other dimensions is refused (logged) and a query of other dimensions never
 * matches. `body` is not kept: the answer lives in the exact store under `key`.
 */
export class InProcessVectorIndex implements VectorIndex {
  readonly #partitions = new Map<string, Partition>();
  /**
   * Insertion order over all partitions (a Map iterates in insertion order; a replace re-inserts),
   * so the oldest entry is the first key: eviction is O(1).
   */
  readonly #order = new Map<string, { partition: string; key: string }>();
  readonly #maxEntries: number;
  readonly #warn: (message: string, fields?: Record<string, unknown>) => void;

  constructor(options: InProcessVectorIndexOptions = {}) {
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 100_000));
    this.#warn = logOncePerInterval(options.logger ?? silentLogger, options.clock ?? systemClock);
  }

  async add(entry: VectorEntry): Promise<void> {
    this.addSync(entry);
  }

  /** `add` without the promise (the Redis-synced index applies stream entries with it). */
  addSync(entry: VectorEntry): void {
    const vector = unitOrUndefined(entry.vector);
    if (vector === undefined) {
      this.#warn("semantic cache: refused a vector that is empty, zero or not finite", {
        partition: entry.partition,
        dimensions: entry.vector.length,
      });
      return;
    }
    let partition = this.#partitions.get(entry.partition);
    if (partition !== undefined && partition.dims !== vector.length) {
      this.#warn("semantic cache: refused a vector of other dimensions than its partition's", {
        partition: entry.partition,
        dimensions: vector.length,
        partitionDimensions: partition.dims,
      });
      return;
    }
    const orderKey = orderKeyOf(entry.partition, entry.key);
    if (partition === undefined) {
      partition = new Partition(vector.length, Math.min(INITIAL_CAPACITY, this.#maxEntries));
      this.#partitions.set(entry.partition, partition);
    }
    const existing = partition.slotOf.get(entry.key);
    if (existing !== undefined) {
      partition.write(existing, entry.key, vector, entry.expiresAt);
      this.#order.delete(orderKey);
      this.#order.set(orderKey, { partition: entry.partition, key: entry.key });
      return;
    }
    if (this.#order.size >= this.#maxEntries) {
      this.#evictOldest();
      // Eviction may have emptied and dropped this very partition.
      if (this.#partitions.get(entry.partition) !== partition) {
        partition = new Partition(vector.length, Math.min(INITIAL_CAPACITY, this.#maxEntries));
        this.#partitions.set(entry.partition, partition);
      }
    }
    if (partition.count === partition.capacity) {
      partition.resize(Math.min(partition.capacity * 2, this.#maxEntries));
    }
    partition.write(partition.count, entry.key, vector, entry.expiresAt);
    partition.count += 1;
    this.#order.set(orderKey, { partition: entry.partition, key: entry.key });
  }

  async nearest(
    partitionName: string,
    query: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    return this.nearestSync(partitionName, query, minSimilarity, now);
  }

  nearestSync(
    partitionName: string,
    query: Float32Array,
    minSimilarity: number,
    now: number,
  ): VectorMatch | undefined {
    const partition = this.#partitions.get(partitionName);
    if (partition === undefined || query.length !== partition.dims) return undefined;
    const q = unitOrUndefined(query);
    if (q === undefined) return undefined;
    const { dims, vectors, expiresAt, count } = partition;
    let bestSlot = -1;
    let best = -Infinity;
    let expired: number[] | undefined;
    for (let slot = 0; slot < count; slot++) {
      if (expiresAt[slot]! <= now) {
        (expired ??= []).push(slot);
        continue;
      }
      const similarity = similarityAt(vectors, slot * dims, q);
      if (similarity > best) {
        best = similarity;
        bestSlot = slot;
      }
    }
    const bestKey = bestSlot >= 0 ? partition.keys[bestSlot]! : undefined;
    if (expired !== undefined) {
      // Descending, so a swap-remove never moves a slot that is still to be removed.
      for (let i = expired.length - 1; i >= 0; i--)
        this.#removeSlot(partitionName, partition, expired[i]!);
    }
    if (bestKey === undefined || !(best >= minSimilarity)) return undefined;
    return { key: bestKey, similarity: best };
  }

  async remove(partition: string, key: string): Promise<void> {
    this.removeSync(partition, key);
  }

  removeSync(partitionName: string, key: string): void {
    const partition = this.#partitions.get(partitionName);
    const slot = partition?.slotOf.get(key);
    if (partition === undefined || slot === undefined) return;
    this.#removeSlot(partitionName, partition, slot);
  }

  size(): number {
    return this.#order.size;
  }

  async close(): Promise<void> {
    this.#partitions.clear();
    this.#order.clear();
  }

  #evictOldest(): void {
    const oldest = this.#order.values().next();
    if (oldest.done === true) return;
    this.removeSync(oldest.value.partition, oldest.value.key);
  }

  #removeSlot(partitionName: string, partition: Partition, slot: number): void {
    const key = partition.removeSlot(slot);
    this.#order.delete(orderKeyOf(partitionName, key));
    if (partition.count === 0) {
      // An empty partition goes, and with it its dimensions (a new embedding model may follow).
      this.#partitions.delete(partitionName);
    } else if (partition.capacity > INITIAL_CAPACITY && partition.count <= partition.capacity / 4) {
      partition.resize(Math.max(INITIAL_CAPACITY, Math.ceil(partition.capacity / 2)));
    }
  }
}

/** Unambiguous for any partition and key (a separator character could occur in either). */
function orderKeyOf(partition: string, key: string): string {
  return `${partition.length}:${partition}${key}`;
}

/** A unit-length copy, or undefined for an empty, zero or non-finite vector (it cannot match). */
function unitOrUndefined(vector: Float32Array): Float32Array | undefined {
  if (vector.length === 0) return undefined;
  const unit = normalize(vector);
  let sum = 0;
  for (let i = 0; i < unit.length; i++) sum += unit[i]! * unit[i]!;
  return Number.isFinite(sum) && sum > 0.5 ? unit : undefined;
}
