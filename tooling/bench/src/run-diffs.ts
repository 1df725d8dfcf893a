import type { TargetRun } from "./measure-target.ts";
import { median } from "./percentiles.ts";
import type { RunSet } from "./report.ts";

/**
 * Differences between two targets taken within each run, then the median over runs (drift in the
 * machine's load between runs cancels out): the shape every issue target in the bench is stated in.
 */
export type Diff = { value: number; saturated: boolean } | undefined;

export function p50Overhead(run: TargetRun | undefined, rate: number): Diff {
  const open = run?.open.find((o) => o.rate === rate);
  const value = open?.latency?.p50;
  const direct = open?.pairedDirect?.latency?.p50;
  if (value === undefined || direct === undefined) return undefined;
  return { value: value - direct, saturated: !!(open?.saturated || open?.pairedDirect?.saturated) };
}

export function medianDiff(runSets: RunSet[], diff: (runs: RunSet) => Diff): Diff {
  const diffs = runSets.map(diff).filter((d): d is NonNullable<Diff> => d !== undefined);
  const value = median(diffs.map((d) => d.value));
  return value === undefined ? undefined : { value, saturated: diffs.some((d) => d.saturated) };
}

export function shown(diff: Diff, unit: string, digits: number): string {
  if (!diff) return "not measured";
  return `${diff.value >= 0 ? "+" : ""}${diff.value.toFixed(digits)} ${unit}${diff.saturated ? " †" : ""}`;
}

export function verdict(diff: Diff, limit: number, unit: string, digits: number): string {
  if (!diff) return "not measured";
  const met = diff.value <= limit ? "**met**" : "**NOT met**";
  return `${shown({ ...diff, saturated: false }, unit, digits)} (target ≤ ${limit} ${unit}): ${met}${diff.saturated ? " † (a rate not sustained: queueing, not the target)" : ""}`;
}
