import type { BpeRankTable } from "./bpe-rank-table.ts";

const NONE = 0x7fffffff;
/**
 * Above this many bytes a piece is merged with a heap instead of rescanning every pair per merge:
 * the scan is O(n^2) and a single piece can be long (CJK runs without spaces, a pasted blob),
 * which must not stall the event loop. Below it the scan's small constant wins.
 */
const SCAN_LIMIT = 128;

/**
 * tiktoken's byte pair encoding of one pre-tokenized piece: start from single bytes and merge,
 * again and again, the adjacent pair whose concatenation has the lowest rank (the leftmost one on
 * ties, as tiktoken does) until no adjacent pair is a token. Every single byte is a token in the
 * encodings we use, so the parts left are tokens.
 *
 * Holds scratch buffers, so one merger serves one tokenizer; calls are synchronous and never
 * interleave.
 */
export class BytePairMerger {
  private starts = new Int32Array(SCAN_LIMIT + 1);
  private pairRanks = new Int32Array(SCAN_LIMIT);
  // Heap path: a linked list of parts plus a binary heap of candidate merges.
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private version = new Int32Array(0);
  private heapKeys = new Float64Array(0);
  private heapVersions = new Int32Array(0);

  constructor(private readonly table: BpeRankTable) {}

  /** Merges bytes[start, end); pushes each token's rank to `out` when given; returns the count. */
  merge(bytes: Uint8Array, start: number, end: number, out?: number[]): number {
    return end - start <= SCAN_LIMIT
      ? this.scanMerge(bytes, start, end, out)
      : this.heapMerge(bytes, start, end, out);
  }

  private pairRank(bytes: Uint8Array, from: number, to: number): number {
    const rank = this.table.rank(bytes, from, to);
    return rank < 0 ? NONE : rank;
  }

  private scanMerge(bytes: Uint8Array, start: number, end: number, out?: number[]): number {
    const starts = this.starts;
    const pairs = this.pairRanks;
    let parts = end - start;
    for (let i = 0; i <= parts; i++) starts[i] = start + i;
    for (let i = 0; i < parts - 1; i++) pairs[i] = this.pairRank(bytes, starts[i]!, starts[i + 2]!);

    while (parts > 1) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (pairs[i]! < best) {
          best = pairs[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      // Part `at` absorbs part `at + 1`: drop its start and the pair rank that began there.
      starts.copyWithin(at + 1, at + 2, parts + 1);
      pairs.copyWithin(at + 1, at + 2, parts - 1);
      parts--;
      pairs[at] = at + 1 < parts ? this.pairRank(bytes, starts[at]!, starts[at + 2]!) : NONE;
      if (at > 0) pairs[at - 1] = this.pairRank(bytes, starts[at - 1]!, starts[at + 1]!);
    }

    if (out !== undefined) {
      for (let i = 0; i < parts; i++) out.push(this.table.rank(bytes, starts[i]!, starts[i + 1]!));
    }
    return parts;
  }

  /**
   * Same result as the scan, in O(n log n): parts are a linked list over byte offsets (a part is
   * named by its first byte), and candidate merges sit in a min-heap keyed by (rank, offset), so
   * the minimum is the leftmost lowest-ranked pair, as in the scan. A merge bumps the version of
   * the parts whose pair changed; heap entries with an old version are skipped when popped.
   */
  private heapMerge(bytes: Uint8Array, start: number, end: number, out?: number[]): number {
    const n = end - start;
    this.ensureHeapCapacity(n);
    const { next, prev, version } = this;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      version[i] = 0;
    }
    let heapSize = 0;
    const push = (part: number): void => {
      const after = next[part]!;
      if (after >= n) return;
      const rank = this.table.rank(bytes, start + part, start + next[after]!);
      if (rank < 0) return;
      heapSize = this.heapPush(heapSize, rank * 4294967296 + part, version[part]!);
    };
    for (let i = 0; i < n - 1; i++) push(i);

    let parts = n;
    while (heapSize > 0) {
      const key = this.heapKeys[0]!;
      const entryVersion = this.heapVersions[0]!;
      heapSize = this.heapPop(heapSize);
      const part = key % 4294967296;
      if (version[part] !== entryVersion || next[part]! >= n) continue;
      const absorbed = next[part]!;
      next[part] = next[absorbed]!;
      if (next[part]! < n) prev[next[part]!] = part;
      version[absorbed] = -1; // gone: its entries never match again
      version[part]!++;
      parts--;
      push(part);
      const before = prev[part]!;
      if (before >= 0) {
        version[before]!++;
        push(before);
      }
    }

    if (out !== undefined) {
      for (let part = 0; part < n; part = next[part]!) {
        out.push(this.table.rank(bytes, start + part, start + next[part]!));
      }
    }
    return parts;
  }

  private ensureHeapCapacity(n: number): void {
    if (this.next.length >= n) return;
    const size = Math.max(n, this.next.length * 2);
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.version = new Int32Array(size);
    // Each merge pushes at most two entries on top of the n - 1 initial ones.
    this.heapKeys = new Float64Array(size * 3);
    this.heapVersions = new Int32Array(size * 3);
  }

  private heapPush(size: number, key: number, entryVersion: number): number {
    const keys = this.heapKeys;
    const versions = this.heapVersions;
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      versions[i] = versions[parent]!;
      i = parent;
    }
    keys[i] = key;
    versions[i] = entryVersion;
    return size + 1;
  }

  private heapPop(size: number): number {
    const keys = this.heapKeys;
    const versions = this.heapVersions;
    const last = size - 1;
    const key = keys[last]!;
    const entryVersion = versions[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      versions[i] = versions[child]!;
      i = child;
    }
    keys[i] = key;
    versions[i] = entryVersion;
    return last;
  }
}
