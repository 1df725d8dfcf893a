import { createRequire } from "node:module";

/**
 * usearch (prebuilt N-API binaries, no compiler needed) as an HNSW graph over one large
 * partition. Loaded through `require` on purpose: its ESM entry finds its binary by walking a
 * stack trace (`bindings`), which spun forever from `node -e` here; the CommonJS entry uses
 * `__dirname`. The compiled gateway keeps it external (apps/gateway/scripts/build-server.mjs
 * rewrites `import.meta.url` to this file's, so the require resolves from this package).
 *
 * Loaded at the first partition that needs a graph, not at start: a gateway without a large
 * semantic partition never loads the addon, and a platform without a prebuilt binary keeps the
 * exact scan (the caller logs it) instead of failing to start.
 */
type Usearch = typeof import("usearch");
let loaded: Usearch | Error | undefined;

export function loadUsearch(): Usearch | Error {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("usearch") as Usearch;
    } catch (error) {
      loaded = error instanceof Error ? error : new Error(String(error));
    }
  }
  return loaded;
}

/**
 * int8 storage, not float32: the measured prebuilt binary's float32 kernels are ~10x slower than
 * its int8 ones (bench/semantic-index.bench.ts), and a quarter of the memory. Vectors are handed
 * over as float32 and usearch casts them itself: its JS `Index` converts any other array to a
 * Float32Array first (an Int8Array quantized here was converted back, then cast again), and its
 * cast scales by 127 / the vector's L2 norm and truncates, so a 1536-dimension unit vector's
 * components (~0.03) keep a few levels (-5..5 for random vectors). The graph only proposes
 * candidates: the caller re-scores them with the exact float32 similarity (vector-math.ts).
 *
 * HNSW settings (bench/semantic-index.bench.ts, 100k random 1536-dimension vectors): search
 * expansion 64 found the exact scan's answer for 69% of near-duplicate queries, 256 for 96% at
 * 5 ms instead of 2 (the exact scan: 152 ms). Random vectors are the hard case for a graph;
 * real embeddings cluster.
 */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 64;
const EXPANSION_SEARCH = 256;

export class AnnGraph {
  readonly #index: InstanceType<Usearch["Index"]>;
  /** Reused by every batch: a drain of 100k adds allocates nothing per entry (fewer GC pauses). */
  #keys = new BigUint64Array(16);
  #matrix: Float32Array;

  /** The addon loaded (`loadUsearch()` returned no error) is the caller's check. */
  constructor(
    readonly dims: number,
    usearch: Usearch,
  ) {
    this.#matrix = new Float32Array(16 * dims);
    this.#index = new usearch.Index({
      dimensions: dims,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.I8,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
  }

  /**
   * A small batch (graph-builder.ts sizes it to a few ms), on the calling thread. On every core
   * (threads 0) a batch waits for its slowest thread: on this 2-core machine under load, batches
   * of 4 at 1536 dimensions then took up to 48 ms instead of under 8, and 10k adds took longer.
   */
  addMany(ids: readonly number[], units: readonly Float32Array[]): void {
    const n = ids.length;
    if (n === 0) return;
    if (this.#keys.length < n) {
      this.#keys = new BigUint64Array(n);
      this.#matrix = new Float32Array(n * this.dims);
    }
    for (let i = 0; i < n; i++) {
      this.#keys[i] = BigInt(ids[i]!);
      this.#matrix.set(units[i]!, i * this.dims);
    }
    this.#index.add(this.#keys.subarray(0, n), this.#matrix.subarray(0, n * this.dims), 1);
  }

  /**
   * usearch marks the node removed and reuses its slot for a later add: no rebuild needed.
   * Whether the id was in the graph.
   */
  remove(id: number): boolean {
    return Number(this.#index.remove(BigInt(id))) > 0;
  }

  /** Up to `k` candidate ids, nearest first by the int8 cosine. */
  search(unit: Float32Array, k: number): number[] {
    if (this.#index.size() === 0) return [];
    const matches = this.#index.search(unit, k, 1);
    const ids: number[] = [];
    for (let i = 0; i < matches.keys.length; i++) {
      const distance = matches.distances[i]!;
      // usearch pads a short result; a padded slot has no finite distance.
      if (!Number.isFinite(distance)) continue;
      ids.push(Number(matches.keys[i]!));
    }
    return ids;
  }
}
