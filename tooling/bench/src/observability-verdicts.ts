import type { RunSet } from "./report.ts";
import { medianDiff, shown, verdict, type Diff } from "./run-diffs.ts";

/**
 * Issue 20's hot-path budget: with OpenTelemetry on (`callbacks: ["prometheus", "otel"]`, spans
 * exported over OTLP/HTTP to the fake upstream), at most 0.05 CPU-ms per request more than the same
 * gateway with no callbacks. Prometheus's counters are on in both (this gateway always serves
 * `/metrics`), so the difference is the tracing's; the counters' own cost is in the profile.
 */
const OBSERVABILITY_CPU_MS = 0.05;

function onMinusOff(
  runSets: RunSet[],
  pick: (runs: RunSet, key: "gateway" | "gatewayObs") => number | undefined,
): Diff {
  return medianDiff(runSets, (runs) => {
    const on = pick(runs, "gatewayObs");
    const off = pick(runs, "gateway");
    // A target that answered nothing in a phase has an infinite CPU per request: not a result.
    return on === undefined || off === undefined || !Number.isFinite(on) || !Number.isFinite(off)
      ? undefined
      : { value: on - off, saturated: false };
  });
}

/** Markdown lines for the report's "Issue 20 observability cost" section. */
export function renderObservabilityVerdicts(runSets: RunSet[], midRate: number): string[] {
  const closed = onMinusOff(runSets, (runs, key) => runs[key]?.closed?.cpuMsPerRequest);
  const open = onMinusOff(
    runSets,
    (runs, key) => runs[key]?.open.find((o) => o.rate === midRate)?.cpuMsPerRequest,
  );
  return [
    `- CPU-ms per request, closed loop, OTel on − off: ${verdict(closed, OBSERVABILITY_CPU_MS, "CPU-ms", 3)}`,
    `- CPU-ms per request @${midRate} RPS open loop, OTel on − off: ${shown(open, "CPU-ms", 3)}`,
  ];
}
