import { cacheHitCounts, type RunSet } from "./report.ts";
import { medianDiff, p50Overhead, shown, verdict } from "./run-diffs.ts";
import type { TargetKey } from "./targets.ts";

/**
 * Issue 19's bench targets, checked against this run's medians: a memory hit adds at most
 * 0.1 CPU-ms and 0.2 ms p50 over the floor proxy's, a Redis hit at most 1 ms p50 (read here, as
 * for memory, as what it adds over the floor's p50 overhead on loopback). Every difference is taken
 * within one run and then the median over runs, like the report's difference rows.
 */
const MEMORY_CPU_MS = 0.1;
const MEMORY_P50_MS = 0.2;
const REDIS_P50_MS = 1;

function hitLine(runSets: RunSet[], key: TargetKey): string {
  let hits = 0;
  let ok = 0;
  for (const runs of runSets) {
    const counts = cacheHitCounts(runs[key]);
    hits += counts.hits;
    ok += counts.ok;
  }
  return ok === 0
    ? "no correct answers measured"
    : `${hits.toLocaleString("en-US")} of ${ok.toLocaleString("en-US")} correct answers were hits (${((100 * hits) / ok).toFixed(2)}%)`;
}

/** Markdown lines for the report's "Issue 19 cache targets" section. */
export function renderCacheVerdicts(
  runSets: RunSet[],
  rates: number[],
  measured: Set<TargetKey>,
): string[] {
  const lines: string[] = [];
  const overFloorCpu = (key: TargetKey) =>
    medianDiff(runSets, (runs) => {
      const mine = runs[key]?.closed?.cpuMsPerRequest;
      const floor = runs.floor?.closed?.cpuMsPerRequest;
      return mine === undefined || floor === undefined
        ? undefined
        : { value: mine - floor, saturated: false };
    });
  const overFloorP50 = (key: TargetKey, rate: number) =>
    medianDiff(runSets, (runs) => {
      const mine = p50Overhead(runs[key], rate);
      const floor = p50Overhead(runs.floor, rate);
      return mine === undefined || floor === undefined
        ? undefined
        : { value: mine.value - floor.value, saturated: mine.saturated || floor.saturated };
    });
  if (measured.has("cacheMemory")) {
    lines.push(`- memory hits: ${hitLine(runSets, "cacheMemory")}`);
    lines.push(
      `  - CPU-ms per request over the floor, closed loop: ${verdict(overFloorCpu("cacheMemory"), MEMORY_CPU_MS, "CPU-ms", 3)}`,
    );
    for (const rate of rates)
      lines.push(
        `  - p50 overhead over the floor's @${rate} RPS: ${verdict(overFloorP50("cacheMemory", rate), MEMORY_P50_MS, "ms", 2)}`,
      );
  } else lines.push("- memory hits: not measured (see the notes above)");
  if (measured.has("cacheRedis")) {
    lines.push(`- Redis hits: ${hitLine(runSets, "cacheRedis")}`);
    lines.push(
      `  - CPU-ms per request over the floor, closed loop (no target in the issue): ${shown(overFloorCpu("cacheRedis"), "CPU-ms", 3)}`,
    );
    for (const rate of rates)
      lines.push(
        `  - p50 overhead over the floor's @${rate} RPS: ${verdict(overFloorP50("cacheRedis", rate), REDIS_P50_MS, "ms", 2)}`,
      );
  } else lines.push("- Redis hits: not measured (see the notes above)");
  if (measured.has("gateway"))
    lines.push(`- uncached gateway (control, expected 0 hits): ${hitLine(runSets, "gateway")}`);
  return lines;
}
