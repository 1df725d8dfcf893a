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
 * Fills one partition's HNSW graph in the background. Every entry goes through `#pending`
 * (insertion order) and a drain adds it to the graph a few at a time between macrotasks: the
 * initial build (every entry the partition held when it reached the threshold) and each add
 * after it, so a caller adding 100k entries in a row (a replay at start) pays a vector copy per
 * entry, not a graph insert.
 *
 * Until the initial entries are all in, the graph is not `built` and the partition keeps its
 * exact scan. After that a lookup asks the graph and scores the pending entries exactly
 * (`candidates`), so an entry is found the moment it is added. An entry removed while pending
 * leaves the queue and never reaches the graph. `cancel` stops a build at once.
 */
export class GraphBuilder {
  readonly #graph: AnnGraph;
  readonly #source: GraphSource;
  readonly #onError: (error: Error) => void;
  readonly #pending = new Set<number>();
  /** Ids below this one were the partition's entries when the build began. */
  readonly #initialBelow: number;
  #initialLeft = 0;
  #timer: NodeJS.Immediate | undefined;
  #cancelled = false;
  /** Measured cost of one add, smoothed (sizes the next batch). */
  #msPerAdd = 0.5;
  #idle: (() => void)[] = [];

  constructor(
    graph: AnnGraph,
    source: GraphSource,
    initialIds: Iterable<number>,
    onError: (error: Error) => void,
  ) {
    this.#graph = graph;
    this.#source = source;
    this.#onError = onError;
    let below = 0;
    for (const id of initialIds) {
      this.#pending.add(id);
      below = Math.max(below, id + 1);
    }
    this.#initialBelow = below;
    this.#initialLeft = this.#pending.size;
    this.#schedule();
  }

  /** Every entry the partition held when the build began is in the graph. */
  get built(): boolean {
    return this.#initialLeft === 0 && !this.#cancelled;
  }

  /** Entries added but not yet in the graph. */
  get backlog(): number {
    return this.#pending.size;
  }

  add(id: number): void {
    if (this.#cancelled) return;
    this.#pending.add(id);
    this.#schedule();
  }

  /** The entry is gone: out of the queue if it is still there, else out of the graph. */
  remove(id: number): void {
    if (this.#cancelled) return;
    if (this.#take(id)) return;
    this.#graph.remove(id);
  }

  /** The graph's nearest ids, then every pending one (the caller scores them all exactly). */
  *candidates(unit: Float32Array, k: number): Iterable<number> {
    yield* this.#graph.search(unit, k);
    yield* this.#pending;
  }

  cancel(): void {
    this.#cancelled = true;
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.#settle();
  }

  /** Resolves when nothing is pending (or the build was cancelled). */
  caughtUp(): Promise<void> {
    if (this.#pending.size === 0 || this.#cancelled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #take(id: number): boolean {
    if (!this.#pending.delete(id)) return false;
    if (id < this.#initialBelow) this.#initialLeft -= 1;
    return true;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#cancelled || this.#pending.size === 0) return;
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
      while (this.#pending.size > 0 && !this.#cancelled) {
        const room = SLICE_MS - elapsed;
        if (elapsed > 0 && room < this.#msPerAdd) break;
        const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(room / this.#msPerAdd)));
        const ids: number[] = [];
        const units: Float32Array[] = [];
        for (const id of this.#pending) {
          if (ids.length === size) break;
          const unit = this.#source.vectorOf(id);
          this.#take(id);
          if (unit === undefined) continue;
          ids.push(id);
          units.push(unit);
        }
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
    if (this.#pending.size > 0) this.#schedule();
    else this.#settle();
  }

  #settle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
