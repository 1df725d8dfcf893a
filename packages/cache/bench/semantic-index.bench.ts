/**
 * The in-process semantic index at 10k and 100k entries of 1536 dimensions (OpenAI's
 * text-embedding-3-small) in one partition: nearest() time, p50 and p99, and memory per entry.
 * A measurement, not a test (nothing here passes or fails):
 *
 *   pnpm --filter @org/cache exec tsx bench/semantic-index.bench.ts [--queries 100]
 *
 * Memory is what the process holds after a forced GC with the index built, minus what it held
 * before: the V8 heap (keys, maps) plus ArrayBuffers (the packed Float32Array vectors live
 * outside the heap, so `heapUsed` alone would miss almost all of it).
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { InProcessVectorIndex } from "../src/semantic/in-process-index.ts";

const DIMENSIONS = 1536;
const SIZES = [10_000, 100_000];
const queriesArg = process.argv.indexOf("--queries");
const QUERIES = queriesArg > 0 ? Number(process.argv[queriesArg + 1]) : 100;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function held(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  entries: number;
  p50: number;
  p99: number;
  bytesPerEntry: number;
}

async function measure(entries: number): Promise<Row> {
  const next = random(entries);
  const before = held();
  // The default bound (100,000): blocks grow by doubling, so 10k entries sit in 16,384 slots.
  const index = new InProcessVectorIndex();
  for (let i = 0; i < entries; i++) {
    // Keys shaped like the exact cache's (a prefix and a sha256 hex digest).
    const key = `llmgw:cache:${i.toString(16).padStart(64, "0")}`;
    await index.add({
      partition: "team:t1|model:gpt-4o",
      key,
      vector: randomVector(next),
      expiresAt: Infinity,
    });
  }
  const bytesPerEntry = (held() - before) / entries;

  const now = Date.now();
  const queries = Array.from({ length: QUERIES }, () => randomVector(next));
  for (const q of queries.slice(0, 5)) await index.nearest("team:t1|model:gpt-4o", q, 0.95, now); // warm-up
  const times: number[] = [];
  for (const q of queries) {
    const start = performance.now();
    await index.nearest("team:t1|model:gpt-4o", q, 0.95, now);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  await index.close();
  return { entries, p50: percentile(times, 50), p99: percentile(times, 99), bytesPerEntry };
}

const rows: Row[] = [];
for (const entries of SIZES) rows.push(await measure(entries));

console.log(
  `InProcessVectorIndex, ${DIMENSIONS} dimensions, one partition, ${QUERIES} queries each`,
);
console.log(
  `(node ${process.version}, ${process.platform}/${process.arch}; raw float32 vector: ${DIMENSIONS * 4} bytes)\n`,
);
console.log("| entries | nearest() p50 | nearest() p99 | bytes per entry (heap + buffers) |");
console.log("|--------:|--------------:|--------------:|---------------------------------:|");
for (const row of rows) {
  console.log(
    `| ${row.entries.toLocaleString("en-US")} | ${row.p50.toFixed(2)} ms | ${row.p99.toFixed(2)} ms | ${Math.round(row.bytesPerEntry).toLocaleString("en-US")} |`,
  );
}
