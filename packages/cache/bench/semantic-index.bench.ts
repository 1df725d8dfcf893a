/**
 * The in-process semantic index at 10k and 100k entries of 1536 dimensions (OpenAI's
 * text-embedding-3-small) in one partition, on both of its paths: the exact scan (what a
 * partition under `annMinEntries` uses) and the HNSW graph (usearch, int8, candidates re-scored
 * exactly). nearest() p50/p99, add() cost, memory per entry, and recall@1 of the graph against
 * the exact scan. Then the graph's background build (graph-builder.ts): the longest event-loop
 * block while a partition of `--entries` builds its graph, the time until it is searched by the
 * graph, and a replay of `--entries` in pages of 500 (as redis-synced-index.ts and
 * postgres-semantic-index.ts read theirs at start). A measurement, not a test (nothing here
 * passes or fails):
 *
 *   pnpm --filter @org/cache exec tsx bench/semantic-index.bench.ts [--entries 10000] [--queries 100] [--build-only]
 *
 * Run one size per process for the memory column (freed native memory is not always returned).
 * Memory is the process's resident set after a forced GC with the index built, minus before:
 * the graph lives in native memory that neither `heapUsed` nor `arrayBuffers` sees.
 *
 * Recall is measured on the cache's case, a query near a stored prompt (cosine ~0.98: a
 * rephrased question), and on random queries (whose nearest is at cosine ~0.1: never a hit at
 * any usable threshold, listed to show what the graph does away from its use).
 */
import { constants, performance, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loopWatch, type LoopGap } from "../src/__fixtures__/loop-watch.ts";
import { InProcessVectorIndex } from "../src/semantic/in-process-index.ts";
import { normalize } from "../src/semantic/vector-math.ts";

const DIMENSIONS = 1536;
const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const SIZES = arg("--entries") !== undefined ? [arg("--entries")!] : [10_000, 100_000];
const QUERIES = arg("--queries") ?? 100;
const PARTITION = "team:t1|model:gpt-4o";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function resident(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

/** A deterministic generator, so every run indexes the same vectors. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function randomVector(next: () => number): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) v[i] = next();
  return v;
}

function nearVector(v: Float32Array, next: () => number): Float32Array {
  const out = new Float32Array(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) out[i] = v[i]! + next() * 0.017;
  return normalize(out);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  path: string;
  entries: number;
  addMs: number;
  graphMs?: number;
  p50: number;
  p99: number;
  bytesPerEntry: number;
  recallNear?: number;
  recallRandom?: number;
}

/** Keys shaped like the exact cache's (a prefix and a sha256 hex digest). */
const keyOf = (i: number) => `llmgw:cache:${i.toString(16).padStart(64, "0")}`;

async function build(annMinEntries: number, vectors: Float32Array[]) {
  const before = resident();
  // The default bound (100,000): blocks grow by doubling, so 10k entries sit in 16,384 slots.
  const index = new InProcessVectorIndex({ annMinEntries });
  const start = performance.now();
  for (let i = 0; i < vectors.length; i++) {
    await index.add({
      partition: PARTITION,
      key: keyOf(i),
      vector: vectors[i]!,
      expiresAt: Infinity,
    });
  }
  // The caller's cost: the graph is filled afterwards, in slices (graph-builder.ts).
  const addMs = (performance.now() - start) / vectors.length;
  const drained = performance.now();
  await index.graphsCaughtUp();
  const graphMs = (performance.now() - drained) / vectors.length;
  return { index, addMs, graphMs, bytesPerEntry: (resident() - before) / vectors.length };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The longest major collection (mark-compact) pause since the last lap. */
function majorGcWatch() {
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) longest = Math.max(longest, entry.duration);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    lap(): number {
      const out = longest;
      longest = 0;
      return out;
    },
    stop: () => observer.disconnect(),
  };
}

interface BuildRow {
  entries: number;
  /** The add that starts the build of every entry: the caller's time. */
  startMs: number;
  /** Longest event-loop block from that add until the graph holds every entry. */
  buildBlock: LoopGap;
  readyMs: number;
  replayMs: number;
  replayBlock: LoopGap;
  /** The longest page's 500 adds, alone (the caller's part of the replay's longest block). */
  replayPageMs: number;
  /** From the replay's start until the partition is searched by its graph. */
  replayReadyMs: number;
  caughtUpMs: number;
  drainBlock: LoopGap;
  /** Longest major GC pause in the build, the replay and the drain after it. */
  majorGcMs: [number, number, number];
}

/**
 * The graph's build, off the caller: (1) `entries` added with `annMinEntries` = `entries`, so
 * the last add starts a build of all of them; (2) a replay of `entries` in pages of 500 with a
 * loop turn between pages (the real replays await a network read there), default threshold.
 * Also the longest page of the replay (its 500 adds alone).
 */
async function measureBuild(entries: number): Promise<BuildRow> {
  // Vectors made again for every use, not kept: 100k kept Float32Arrays (600 MB, the bench's
  // own) were traced by every major GC of the run and lengthened the blocks measured here. A
  // replay's vectors are garbage once the index copied them.
  const page = Array.from({ length: 500 }, () => new Float32Array(DIMENSIONS));
  const vectorAt = (i: number, into: Float32Array = page[0]!) => {
    const next = random(entries * 7919 + i);
    for (let d = 0; d < DIMENSIONS; d++) into[d] = next();
    return into;
  };
  const built = new InProcessVectorIndex({ annMinEntries: entries });
  for (let i = 0; i < entries - 1; i++) {
    built.addSync({
      partition: PARTITION,
      key: keyOf(i),
      vector: vectorAt(i),
      expiresAt: Infinity,
    });
  }
  await tick();
  const watch = loopWatch();
  const gcs = majorGcWatch();
  await tick();
  watch.lap();
  gcs.lap();
  const start = performance.now();
  built.addSync({
    partition: PARTITION,
    key: keyOf(entries - 1),
    vector: vectorAt(entries - 1),
    expiresAt: Infinity,
  });
  const startMs = performance.now() - start;
  await built.graphsCaughtUp();
  const readyMs = performance.now() - start;
  await tick();
  const buildBlock = watch.lapGap();
  const buildGcMs = gcs.lap();
  if (!built.searchedByGraph(PARTITION)) throw new Error("the graph was not built");
  await built.close();

  const replayed = new InProcessVectorIndex();
  await tick();
  watch.lap();
  const replayStart = performance.now();
  let replayReadyMs = Infinity;
  const readyWatch = setInterval(() => {
    if (replayed.searchedByGraph(PARTITION)) {
      replayReadyMs = Math.min(replayReadyMs, performance.now() - replayStart);
      clearInterval(readyWatch);
    }
  }, 5);
  let replayPageMs = 0;
  for (let from = 0; from < entries; from += 500) {
    const to = Math.min(entries, from + 500);
    // The page arrives (made here, as a replay decodes its page), then is added in one go.
    for (let i = from; i < to; i++) vectorAt(i, page[i - from]);
    await tick();
    const pageStart = performance.now();
    for (let i = from; i < to; i++) {
      replayed.addSync({
        partition: PARTITION,
        key: keyOf(i),
        vector: page[i - from]!,
        expiresAt: Infinity,
      });
    }
    replayPageMs = Math.max(replayPageMs, performance.now() - pageStart);
    await tick();
  }
  const replayMs = performance.now() - replayStart;
  const replayBlock = watch.lapGap();
  const replayGcMs = gcs.lap();
  await replayed.graphsCaughtUp();
  const caughtUpMs = performance.now() - replayStart;
  clearInterval(readyWatch);
  if (replayed.searchedByGraph(PARTITION)) replayReadyMs = Math.min(replayReadyMs, caughtUpMs);
  await tick();
  const drainBlock = watch.lapGap();
  watch.stop();
  await tick();
  const drainGcMs = gcs.lap();
  gcs.stop();
  await replayed.close();
  return {
    replayReadyMs,
    entries,
    startMs,
    buildBlock,
    readyMs,
    replayMs,
    replayBlock,
    replayPageMs,
    caughtUpMs,
    drainBlock,
    majorGcMs: [buildGcMs, replayGcMs, drainGcMs],
  };
}

async function time(index: InProcessVectorIndex, queries: Float32Array[], now: number) {
  for (const q of queries.slice(0, 5)) await index.nearest(PARTITION, q, 0.95, now); // warm-up
  const times: number[] = [];
  const keys: (string | undefined)[] = [];
  for (const q of queries) {
    const start = performance.now();
    const match = await index.nearest(PARTITION, q, -1, now);
    times.push(performance.now() - start);
    keys.push(match?.key);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), keys };
}

async function measure(entries: number): Promise<Row[]> {
  const next = random(entries);
  const vectors = Array.from({ length: entries }, () => randomVector(next));
  const near = Array.from({ length: QUERIES }, () =>
    nearVector(normalize(vectors[Math.floor((next() + 0.5) * entries)]!), next),
  );
  const far = Array.from({ length: QUERIES }, () => randomVector(next));
  const now = Date.now();

  const graph = await build(1, vectors);
  const graphNear = await time(graph.index, near, now);
  const graphFar = await time(graph.index, far, now);
  await graph.index.close();
  const exact = await build(Infinity, vectors);
  const exactNear = await time(exact.index, near, now);
  const exactFar = await time(exact.index, far, now);
  await exact.index.close();

  const recall = (got: (string | undefined)[], want: (string | undefined)[]) =>
    got.filter((key, i) => key === want[i]).length / want.length;
  return [
    {
      path: "exact scan",
      entries,
      addMs: exact.addMs,
      ...exactNear,
      bytesPerEntry: exact.bytesPerEntry,
    },
    {
      path: "HNSW graph",
      entries,
      addMs: graph.addMs,
      graphMs: graph.graphMs,
      ...graphNear,
      bytesPerEntry: graph.bytesPerEntry,
      recallNear: recall(graphNear.keys, exactNear.keys),
      recallRandom: recall(graphFar.keys, exactFar.keys),
    },
  ];
}

const BUILD_ONLY = process.argv.includes("--build-only");
const rows: Row[] = [];
const builds: BuildRow[] = [];
for (const entries of SIZES) {
  if (!BUILD_ONLY) rows.push(...(await measure(entries)));
  builds.push(await measureBuild(entries));
}

console.log(
  `InProcessVectorIndex, ${DIMENSIONS} dimensions, one partition, ${QUERIES} queries each`,
);
console.log(
  `(node ${process.version}, ${process.platform}/${process.arch}; raw float32 vector: ${DIMENSIONS * 4} bytes)\n`,
);
console.log(
  "| entries | path | nearest() p50 | nearest() p99 | add() mean | graph insert per entry (background) | bytes per entry (RSS) | recall@1 near-duplicate / random query |",
);
console.log(
  "|--------:|------|--------------:|--------------:|-----------:|-----------:|----------------------:|------:|",
);
for (const row of rows) {
  const recall =
    row.recallNear === undefined
      ? "exact"
      : `${(row.recallNear * 100).toFixed(0)}% / ${(row.recallRandom! * 100).toFixed(0)}%`;
  const graphMs = row.graphMs === undefined ? "-" : `${row.graphMs.toFixed(3)} ms`;
  console.log(
    `| ${row.entries.toLocaleString("en-US")} | ${row.path} | ${row.p50.toFixed(2)} ms | ${row.p99.toFixed(2)} ms | ${row.addMs.toFixed(3)} ms | ${graphMs} | ${Math.round(row.bytesPerEntry).toLocaleString("en-US")} | ${recall} |`,
  );
}
console.log(
  "\nGraph build in the background: longest event-loop block, wall time (process CPU time in that block / most CPU time in any one block: far below the wall time is waiting for a core); build of every entry at once, then a replay in pages of 500\n",
);
console.log(
  "| entries | add that starts the build | longest block, build | graph ready | replay (adds) | longest block, replay | longest page (500 adds) | replay: graph ready | replay: graph caught up | longest block, drain after |",
);
console.log("|--------:|------:|------:|------:|------:|------:|------:|------:|------:|------:|");
const ms = (value: number) =>
  value >= 1_000 ? `${(value / 1_000).toFixed(1)} s` : `${value.toFixed(1)} ms`;
/** Wall time of the longest block (its process CPU time / the most CPU time of any block). */
const gap = (g: LoopGap) =>
  `${ms(g.wallMs)} (${g.cpuMs.toFixed(1)} / ${g.mostCpuMs.toFixed(1)} ms CPU)`;
for (const row of builds) {
  console.log(
    `| ${row.entries.toLocaleString("en-US")} | ${ms(row.startMs)} | ${gap(row.buildBlock)} | ${ms(row.readyMs)} | ${ms(row.replayMs)} | ${gap(row.replayBlock)} | ${ms(row.replayPageMs)} | ${ms(row.replayReadyMs)} | ${ms(row.caughtUpMs)} | ${gap(row.drainBlock)} |`,
  );
}
for (const row of builds) {
  const [build, replay, drain] = row.majorGcMs.map(ms);
  console.log(
    `\n${row.entries.toLocaleString("en-US")}: longest major GC pause (mark-compact): build ${build}, replay ${replay}, drain after ${drain}`,
  );
}
