import { renderCacheVerdicts } from "./cache-verdicts.ts";
import { renderCpuVerdicts } from "./cpu-verdicts.ts";
import { renderObservabilityVerdicts } from "./observability-verdicts.ts";
import type { RunSet } from "./report.ts";
import { TARGET_LABELS, type TargetKey } from "./targets.ts";
import { renderTtfbVerdicts } from "./ttfb-verdicts.ts";

/**
 * The report's issue sections, each a heading and its verdict lines (medians of per-run
 * differences): issue 19's cache targets and issue 20's observability cost when their targets
 * ran, issue 22's CPU, throughput and open-loop targets in a full run, and issue 22's stream
 * TTFB overhead always.
 */
export function renderVerdictSections(input: {
  runSets: RunSet[];
  rates: number[];
  columns: readonly TargetKey[];
  measured: Set<TargetKey>;
  /** A focused mode (--cache, --observability) runs only its own comparison. */
  focused: boolean;
}): string[] {
  const { runSets, rates, columns, measured } = input;
  const sections: [heading: string, lines: string[]][] = [];
  if (columns.includes("cacheMemory")) {
    sections.push([
      "Issue 19 cache targets (medians of per-run differences)",
      renderCacheVerdicts(runSets, rates, measured),
    ]);
  }
  if (columns.includes("gatewayObs")) {
    const rate = rates.includes(500) ? 500 : rates[Math.floor(rates.length / 2)]!;
    sections.push([
      "Issue 20 observability cost (medians of per-run differences)",
      renderObservabilityVerdicts(runSets, rate),
    ]);
  }
  if (!input.focused) {
    sections.push([
      "Issue 22 CPU, throughput and open-loop targets",
      renderCpuVerdicts(runSets, TARGET_LABELS, measured, rates),
    ]);
  }
  sections.push([
    "Issue 22 stream TTFB overhead p50 ≤ 0.5 ms over direct, every target (medians of per-run differences)",
    renderTtfbVerdicts(runSets, TARGET_LABELS, measured),
  ]);
  return sections.flatMap(([heading, lines]) => [`## ${heading}`, "", ...lines, ""]);
}
