import { DIRECTS, KEYS, referenceOf, type RunSet } from "./report.ts";
import { medianDiff, verdict, type Diff } from "./run-diffs.ts";
import type { TargetKey } from "./targets.ts";

/**
 * Issue 22: "TTFB overhead p50 <= 0.5 ms over direct for every target". A target's first streamed
 * byte, p50, minus that of the direct run paired with it (the same rate, right before), median
 * over runs. Each target is measured against the direct it fronts: the translation target
 * against the fake's Anthropic /v1/messages, every other against the fake's OpenAI endpoint.
 */
const TTFB_OVERHEAD_P50_MS = 0.5;

function ttfbOverheadP50(runs: RunSet, key: TargetKey): Diff {
  const stream = runs[key]?.stream;
  const value = stream?.ttfb?.p50;
  const direct = stream?.pairedDirect?.ttfb?.p50;
  if (value === undefined || direct === undefined) return undefined;
  return {
    value: value - direct,
    saturated: !!(stream?.saturated || stream?.pairedDirect?.saturated),
  };
}

/** Markdown lines for the report's issue 22 stream TTFB section, one per measured proxy. */
export function renderTtfbVerdicts(
  runSets: RunSet[],
  labels: Record<TargetKey, string>,
  measured: Set<TargetKey>,
): string[] {
  const lines: string[] = [];
  for (const key of KEYS) {
    if (DIRECTS.includes(key) || !measured.has(key)) continue;
    const diff = medianDiff(runSets, (runs) => ttfbOverheadP50(runs, key));
    const against =
      referenceOf(key) === "directAnthropic"
        ? "the fake's Anthropic /v1/messages"
        : "the fake's /v1/chat/completions";
    lines.push(
      `- ${labels[key]}, over direct (${against}): ${verdict(diff, TTFB_OVERHEAD_P50_MS, "ms", 2)}`,
    );
  }
  return lines;
}
