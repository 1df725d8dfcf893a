import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import { AnnGraph, loadUsearch } from "./ann-graph.ts";
import { GraphBuilder } from "./graph-builder.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "./vector-index.ts";
import { ShardedMap } from "./sharded-map.ts";
import { SlotVectors } from "./slot-vectors.ts";
import { normalizeInto } from "./vector-math.ts";

export interface InProcessVectorIndexOptions {
  /** Most entries held over all partitions; the oldest inserted goes first. Default 100,000. */
  maxEntries?: number;
  logger?: CacheLogger;
  /** Only paces the log lines; expiry is judged by the `now` that `nearest` receives. */
  clock?: Clock;
  /**
   * Entries from which a partition is searched through an HNSW graph instead of the exact scan
   * (default 4,096; Infinity: always exact). The graph's candidates are re-scored with the exact
   * similarity, so a graph miss is a cache miss, never a wrong answer.
   */
  annMinEntries?: number;
}

/** Slots a new partition starts with; it grows from there (slot-vectors.ts). */
const INITIAL_CAPACITY = 16;

/**
 * A partition this large gets an HNSW graph (ann-graph.ts) for its lookups; one that shrinks
 * below `ANN_DROP_BELOW` goes back to the exact scan alone (the gap keeps a partition near the
 * line from building and dropping a graph on every add and remove). Below ~4k entries the exact
 * scan costs about a millisecond at 1536 dimensions (bench/semantic-index.bench.ts).
 */
export const DEFAULT_ANN_MIN_ENTRIES = 4_096;
/** Candidates the graph proposes, re-scored exactly: int8 rounding can reorder close neighbours. */
const ANN_CANDIDATES = 16;

/**
 * One partition's entries, packed by slot (vectors in slot-vectors.ts). Removal moves the last
 * slot into the hole (swap-remove), keeping the slots contiguous.
 */
class Partition {
  readonly vectors: SlotVectors;
  keys: string[] = [];
  expiresAt: Float64Array;
  readonly slotOf = new ShardedMap<string, number>();
  count = 0;
  /** Per slot, the entry's id in the graph (stable while slots move by swap-remove). */
  ids: number[] = [];
  readonly slotOfId = new ShardedMap<number, number>();
  nextId = 0;
  /** From `annMinEntries` on: the HNSW graph, filled in the background (graph-builder.ts). */
  graph: GraphBuilder | undefined;
  /** usearch threw while building: no new build on every later add (each would re-queue all). */
  graphFailed = false;

  constructor(
    readonly dims: number,
    capacity: number,
  ) {
    this.vectors = new SlotVectors(dims, capacity);
    this.expiresAt = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.vectors.capacity;
  }

  grow(maxSlots: number): void {
    this.vectors.grow(maxSlots);
    this.#fitExpiry();
  }

  shrink(): void {
    if (this.vectors.shrink(this.count)) this.#fitExpiry();
  }

  /** 8 bytes a slot: copied whole on a resize (0.8 MB at 100k), unlike the vectors. */
  #fitExpiry(): void {
    const expiresAt = new Float64Array(this.vectors.capacity);
    expiresAt.set(this.expiresAt.subarray(0, this.count));
    this.expiresAt = expiresAt;
  }

  write(slot: number, key: string, vector: Float32Array, expiresAt: number): void {
    this.vectors.set(slot, vector);
    this.keys[slot] = key;
    this.expiresAt[slot] = expiresAt;
    this.slotOf.set(key, slot);
    // A replaced vector gets a new id: the graph's old node for it (or its place in the
    // queue) goes.
    const old = this.ids[slot];
    if (old !== undefined && slot < this.count) {
      this.slotOfId.delete(old);
      this.graph?.remove(old);
    }
    const id = this.nextId++;
    this.ids[slot] = id;
    this.slotOfId.set(id, slot);
    this.graph?.add(id);
  }

  /**
   * Starts filling a graph with every entry, in the background; an error when usearch cannot
   * load here (the partition stays exact). `onError`: the build failed (the partition goes
   * back to the exact scan).
   */
  startGraph(onError: (error: Error) => void): Error | undefined {
    const usearch = loadUsearch();
    if (usearch instanceof Error) return usearch;
    const source = {
      vectorOf: (id: number) => {
        const slot = this.slotOfId.get(id);
        return slot === undefined ? undefined : this.vectors.at(slot);
      },
    };
    const graph = new GraphBuilder(new AnnGraph(this.dims, usearch), source, this.ids, (error) => {
      if (this.graph === graph) this.graph = undefined;
      this.graphFailed = true;
      onError(error);
    });
    this.graph = graph;
    return undefined;
  }

  dropGraph(): void {
    this.graph?.cancel();
    this.graph = undefined;
  }

  /** Swap-remove: the last slot moves into `slot`. */
  removeSlot(slot: number): string {
    const key = this.keys[slot]!;
    const id = this.ids[slot]!;
    this.slotOfId.delete(id);
    this.graph?.remove(id);
    const last = this.count - 1;
    if (slot !== last) {
      const lastKey = this.keys[last]!;
      this.vectors.move(last, slot);
      this.keys[slot] = lastKey;
      this.expiresAt[slot] = this.expiresAt[last]!;
      this.slotOf.set(lastKey, slot);
      const lastId = this.ids[last]!;
      this.ids[slot] = lastId;
      this.slotOfId.set(lastId, slot);
    }
    this.keys.length = last;
    this.ids.length = last;
    this.slotOf.delete(key);
    this.count = last;
    return key;
  }
}

/**
 * The embedded semantic index: cosine (a dot product of unit vectors) over the live entries of
 * the partition. A small partition is scanned exactly (never misses a match); from
 * `annMinEntries` on, an HNSW graph proposes candidates that are re-scored exactly, since a full
 * scan of 100k 1536-dimension vectors blocks the event loop for ~0.1 s per lookup (both measured
 * in `bench/semantic-index.bench.ts`).
 *
 * Vectors are normalized on the way in (both stored and queried), so a caller's vector that is
 * not quite unit length still compares as cosine. A partition takes its dimensions from its first
 * entry; an entry of other dimensions is refused (logged) and a query of other dimensions never
 * matches. `body` is not kept: the answer lives in the exact store under `key`.
 */
export class InProcessVectorIndex implements VectorIndex {
  readonly #partitions = new Map<string, Partition>();
  /**
   * Insertion order over all partitions (a Set iterates in insertion order; a replace re-inserts),
   * so the oldest entry is the first: eviction is O(1). Each member is `orderKeyOf(partition,
   * key)`, read back by `fromOrderKey`: no object per entry beside it (some 2-3 MB at 100k by
   * its size; the major collections' pauses did not measurably change).
   */
  readonly #order = new Set<string>();
  readonly #maxEntries: number;
  readonly #annMinEntries: number;
  readonly #warn: (message: string, fields?: Record<string, unknown>) => void;

  constructor(options: InProcessVectorIndexOptions = {}) {
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 100_000));
    this.#annMinEntries = Math.max(1, options.annMinEntries ?? DEFAULT_ANN_MIN_ENTRIES);
    this.#warn = logOncePerInterval(options.logger ?? silentLogger, options.clock ?? systemClock);
  }

  /** An add's unit vector, before it is copied into its slot (reused: no array per add). */
  #scratch = new Float32Array(0);

  async add(entry: VectorEntry): Promise<void> {
    this.addSync(entry);
  }

  /** `add` without the promise (the Redis-synced index applies stream entries with it). */
  addSync(entry: VectorEntry): void {
    if (this.#scratch.length !== entry.vector.length)
      this.#scratch = new Float32Array(entry.vector.length);
    const vector = unitOrUndefined(entry.vector, this.#scratch);
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
      this.#order.add(orderKey);
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
    if (partition.count === partition.capacity) partition.grow(this.#maxEntries);
    partition.write(partition.count, entry.key, vector, entry.expiresAt);
    partition.count += 1;
    const wantsGraph = partition.graph === undefined && !partition.graphFailed;
    if (wantsGraph && partition.count >= this.#annMinEntries) {
      const error = partition.startGraph((failed) =>
        this.#warn("semantic cache: building an HNSW graph failed; the partition stays exact", {
          error: failed.message,
        }),
      );
      if (error !== undefined) {
        const message =
          "semantic cache: usearch did not load; large partitions stay on the exact scan";
        this.#warn(message, { error: error.message });
      }
    }
    this.#order.add(orderKey);
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
    if (partition.graph?.built === true)
      return this.#nearestByGraph(partitionName, partition, q, minSimilarity, now);
    const { vectors, expiresAt, count } = partition;
    let bestSlot = -1;
    let best = -Infinity;
    let expired: number[] | undefined;
    for (let slot = 0; slot < count; slot++) {
      if (expiresAt[slot]! <= now) {
        (expired ??= []).push(slot);
        continue;
      }
      const similarity = vectors.similarity(slot, q);
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

  /**
   * A large partition whose graph is built: expired entries are dropped first (a pass over the
   * expiry times only, so the graph never proposes one), then the graph's candidates and the
   * entries not yet in the graph (graph-builder.ts) are scored with the exact similarity. The
   * graph may miss the true nearest (a cache miss); what it returns is never below the
   * threshold nor scored other than the exact scan would score it.
   */
  #nearestByGraph(
    partitionName: string,
    partition: Partition,
    q: Float32Array,
    minSimilarity: number,
    now: number,
  ): VectorMatch | undefined {
    for (let slot = partition.count - 1; slot >= 0; slot--) {
      // Descending: a swap-remove only moves the last slot, which was already checked.
      if (partition.expiresAt[slot]! <= now) this.#removeSlot(partitionName, partition, slot);
    }
    if (this.#partitions.get(partitionName) !== partition) return undefined;
    if (partition.graph?.built !== true)
      return this.nearestSync(partitionName, q, minSimilarity, now);
    let bestSlot = -1;
    let best = -Infinity;
    for (const id of partition.graph.candidates(q, ANN_CANDIDATES)) {
      const slot = partition.slotOfId.get(id);
      if (slot === undefined) continue;
      const similarity = partition.vectors.similarity(slot, q);
      if (similarity > best) {
        best = similarity;
        bestSlot = slot;
      }
    }
    if (bestSlot < 0 || !(best >= minSimilarity)) return undefined;
    return { key: partition.keys[bestSlot]!, similarity: best };
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

  /** Whether the partition is searched through its HNSW graph (tests, diagnostics). */
  searchedByGraph(partition: string): boolean {
    return this.#partitions.get(partition)?.graph?.built === true;
  }

  /** Entries of the partition added but not yet in its graph (tests, diagnostics). */
  graphBacklog(partition: string): number {
    return this.#partitions.get(partition)?.graph?.backlog ?? 0;
  }

  /** Resolves when every partition's graph holds all its entries (tests, the bench). */
  async graphsCaughtUp(): Promise<void> {
    await Promise.all([...this.#partitions.values()].map((p) => p.graph?.caughtUp()));
  }

  async close(): Promise<void> {
    for (const partition of this.#partitions.values()) partition.dropGraph();
    this.#partitions.clear();
    this.#order.clear();
  }

  #evictOldest(): void {
    const oldest = this.#order.values().next();
    if (oldest.done === true) return;
    const { partition, key } = fromOrderKey(oldest.value);
    this.removeSync(partition, key);
  }

  #removeSlot(partitionName: string, partition: Partition, slot: number): void {
    const key = partition.removeSlot(slot);
    this.#order.delete(orderKeyOf(partitionName, key));
    if (partition.count === 0) {
      // An empty partition goes, and with it its dimensions (a new embedding model may follow).
      partition.dropGraph();
      this.#partitions.delete(partitionName);
      return;
    }
    if (partition.graph !== undefined && partition.count < this.#annMinEntries / 2) {
      partition.dropGraph();
    }
    partition.shrink();
  }
}

/** Unambiguous for any partition and key (a separator character could occur in either). */
function orderKeyOf(partition: string, key: string): string {
  return `${partition.length}:${partition}${key}`;
}

function fromOrderKey(orderKey: string): { partition: string; key: string } {
  const colon = orderKey.indexOf(":");
  const end = colon + 1 + Number(orderKey.slice(0, colon));
  return { partition: orderKey.slice(colon + 1, end), key: orderKey.slice(end) };
}

/**
 * A unit-length copy (in `out` when given), or undefined for an empty, zero or non-finite vector
 * (it cannot match).
 */
function unitOrUndefined(vector: Float32Array, out?: Float32Array): Float32Array | undefined {
  if (vector.length === 0) return undefined;
  const unit = normalizeInto(vector, out ?? new Float32Array(vector.length));
  let sum = 0;
  for (let i = 0; i < unit.length; i++) sum += unit[i]! * unit[i]!;
  return Number.isFinite(sum) && sum > 0.5 ? unit : undefined;
}
