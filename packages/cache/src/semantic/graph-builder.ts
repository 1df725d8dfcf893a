import { performance } from "node:perf_hooks";
import type { AnnGraph } from "./ann-graph.ts";

/**
 * Most time one slice of graph adds may hold the event loop. An add costs ~0.25 ms at 4k
 * entries of 1536 dimensions and ~1.3 ms at 100k (bench/semantic-index.bench.ts), so the 4,096
 * entries of a partition that just reached the threshold take ~1 s: in one call that was a
 * second in which the gateway served nothing. In slices of 4 ms with `setImmediate` between
 * them, I/O callbacks (requests, lookups) run between every two slices.
 */
const SLICE_MS = 4;
/** A batch's size comes from the measured cost per add; this caps a wrong estimate's overshoot. */
const MAX_BATCH = 16;

export interface GraphSource {
  /** The entry's unit vector, or undefined when it is gone (removed, replaced, evicted, expired). */
  vectorOf(id: number): Float32Array | undefined;
}

/**
 * Fills one partition's HNSW graph in the background. Every entry goes through `#queue`
 * (insertion order) and a drain adds it to the graph a few at a time between macrotasks: the
 * initial build (every entry the partition held when it reached the threshold) and each add
 * after it, so a caller adding 100k entries in a row (a replay at start) pays a vector copy per
 * entry, not a graph insert.
 *
 * Until the initial entries are all in, the graph is not `built` and the partition keeps its
 * exact scan. After that a lookup asks the graph and scores the queued entries exactly
 * (`candidates`), so an entry is found the moment it is added. An entry removed while queued
 * never reaches the graph. `cancel` stops a build at once.
 *
 * The queue is an array of ids, not a Set: filling a Set with the 100k ids of a partition that
 * starts its build at that size took 30-50 ms in the add that started it, and a Set that grows
 * past 65,536 ids rehashes in one insert (~8 ms). An id removed while queued stays in the array
 * and is skipped when the drain reaches it (its vector is gone from the source by then).
 */
export class GraphBuilder {
  readonly #graph: AnnGraph;
  readonly #source: GraphSource;
  readonly #onError: (error: Error) => void;
  /** Ids in the order they came; `#head` is the next to add. Removed ones are skipped there. */
  #queue: number[];
  #head = 0;
  /** Queued entries still live (removed ones are not counted). */
  #pending: number;
  /** Ids below this one were the partition's entries when the build began. */
  readonly #initialBelow: number;
  #initialLeft: number;
  #timer: NodeJS.Immediate | undefined;
  #cancelled = false;
  /** Measured cost of one add, smoothed (sizes the next batch). */
  #msPerAdd = 0.5;
  #idle: (() => void)[] = [];

  /** `initialIds`: the partition's live entries, each once (copied here). */
  constructor(
    graph: AnnGraph,
    source: GraphSource,
    initialIds: readonly number[],
    onError: (error: Error) => void,
  ) {
    this.#graph = graph;
    this.#source = source;
    this.#onError = onError;
    this.#queue = initialIds.slice();
    let below = 0;
    for (const id of initialIds) if (id >= below) below = id + 1;
    this.#initialBelow = below;
    this.#pending = this.#initialLeft = initialIds.length;
    this.#schedule();
  }

  /** Every entry the partition held when the build began is in the graph. */
  get built(): boolean {
    return this.#initialLeft === 0 && !this.#cancelled;
  }

  /** Entries added but not yet in the graph. */
  get backlog(): number {
    return this.#pending;
  }

  /** A new entry (its id above every id given before). */
  add(id: number): void {
    if (this.#cancelled) return;
    this.#queue.push(id);
    this.#pending += 1;
    this.#schedule();
  }

  /**
   * The entry is gone (called once per id, before the source forgets its vector): out of the
   * graph if it is there, else it is still queued, and the drain will skip it.
   */
  remove(id: number): void {
    if (this.#cancelled) return;
    if (this.#graph.remove(id)) return;
    // Clamped: the drain and `built` compare these with 0; a count gone wrong must not go below.
    this.#pending = Math.max(0, this.#pending - 1);
    if (id < this.#initialBelow) this.#initialLeft = Math.max(0, this.#initialLeft - 1);
    if (this.#pending === 0) this.#settle();
  }

  /**
   * The graph's nearest ids, then every queued one (the caller scores them all exactly, and
   * skips ids it no longer holds).
   */
  *candidates(unit: Float32Array, k: number): Iterable<number> {
    yield* this.#graph.search(unit, k);
    for (let i = this.#head; i < this.#queue.length; i++) yield this.#queue[i]!;
  }

  cancel(): void {
    this.#cancelled = true;
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
    this.#pending = 0;
    this.#settle();
  }

  /** Resolves when nothing is pending (or the build was cancelled). */
  caughtUp(): Promise<void> {
    if (this.#pending === 0 || this.#cancelled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#cancelled || this.#pending === 0) return;
    // Not unref'd: an unref'd immediate does not stop the loop from blocking in its poll phase,
    // so an otherwise idle process ran one slice per unrelated timer (80 adds in 200 ms here).
    // `cancel` (the index's `close`) is what lets a process end mid-build.
    this.#timer = setImmediate(() => this.#slice());
  }

  #slice(): void {
    this.#timer = undefined;
    const start = performance.now();
    let elapsed = 0;
    try {
      while (this.#pending > 0 && !this.#cancelled) {
        const room = SLICE_MS - elapsed;
        if (elapsed > 0 && room < this.#msPerAdd) break;
        const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(room / this.#msPerAdd)));
        const ids: number[] = [];
        const units: Float32Array[] = [];
        while (ids.length < size && this.#head < this.#queue.length) {
          const id = this.#queue[this.#head++]!;
          const unit = this.#source.vectorOf(id);
          // Removed while queued: `remove` already took it off the counts.
          if (unit === undefined) continue;
          this.#pending -= 1;
          if (id < this.#initialBelow) this.#initialLeft -= 1;
          ids.push(id);
          units.push(unit);
        }
        // Every id drained: nothing can still be pending (the counts follow the queue).
        if (this.#head === this.#queue.length) this.#pending = this.#initialLeft = 0;
        this.#compact();
        const before = performance.now();
        this.#graph.addMany(ids, units);
        const after = performance.now();
        if (ids.length > 0) {
          this.#msPerAdd = 0.7 * this.#msPerAdd + (0.3 * (after - before)) / ids.length;
        }
        elapsed = after - start;
      }
    } catch (error) {
      this.cancel();
      this.#onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#pending > 0) this.#schedule();
    else this.#settle();
  }

  /** Drops the ids already drained once they are most of the array (a copy of the rest). */
  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 4_096 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #settle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
