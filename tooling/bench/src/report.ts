import type { TargetRun } from "./measure-target.ts";
import { median } from "./percentiles.ts";
import type { TargetKey } from "./targets.ts";

export type RunSet = Partial<Record<TargetKey, TargetRun>>;

/** A cell: a number, or flagged when the target could not sustain the offered rate. */
export interface Cell {
  value: number;
  saturated?: boolean;
}

interface MetricRow {
  label: string;
  digits: number;
  /** Overheads are differences to direct: a ratio to direct means nothing for them. */
  overhead?: boolean;
  /** Counts are shown as they are; ratios of error counts mean nothing. */
  noRatio?: boolean;
  /** A row that only these targets' columns carry (the others stay blank). */
  onlyFor?: TargetKey[];
  cell: (runs: RunSet, key: TargetKey) => Cell | undefined;
}

export const KEYS: TargetKey[] = [
  "direct",
  "directAnthropic",
  "floor",
  "gateway",
  "gatewayVk",
  "gatewayTranslate",
  "gatewayObs",
  "gatewayPg",
  "gatewayPgVk",
  "portkey",
  "cacheMemory",
  "cacheRedis",
];
const COLUMN_NAMES: Record<TargetKey, string> = {
  direct: "direct",
  directAnthropic: "direct, Anthropic /v1/messages",
  floor: "floor",
  gateway: "gateway (master key)",
  gatewayVk: "gateway (virtual key)",
  gatewayTranslate: "gateway (translate)",
  gatewayObs: "gateway, Prometheus + OTel on",
  gatewayPg: "gateway, PostgreSQL + Redis",
  gatewayPgVk: "gateway, PostgreSQL + Redis (virtual key)",
  portkey: "Portkey",
  cacheMemory: "gateway, memory cache hit",
  cacheRedis: "gateway, Redis cache hit",
};
const RATIOS: [TargetKey, TargetKey, string][] = [
  ["gatewayVk", "gateway", "virtual key ÷ master key"],
  ["gatewayTranslate", "gateway", "translate ÷ master key"],
  ["gatewayTranslate", "directAnthropic", "translate ÷ direct, Anthropic"],
  ["gatewayObs", "gateway", "OTel on ÷ off"],
  ["gatewayPg", "gateway", "PostgreSQL + Redis ÷ embedded"],
  ["gatewayPgVk", "gatewayVk", "virtual key, PostgreSQL + Redis ÷ embedded"],
  ["floor", "direct", "floor ÷ direct"],
  ["gateway", "direct", "gateway ÷ direct"],
  ["portkey", "direct", "Portkey ÷ direct"],
  ["gateway", "floor", "gateway ÷ floor"],
  ["portkey", "floor", "Portkey ÷ floor"],
  ["gateway", "portkey", "gateway ÷ Portkey"],
  ["cacheMemory", "gateway", "memory hit ÷ gateway"],
  ["cacheRedis", "gateway", "Redis hit ÷ gateway"],
  ["cacheMemory", "floor", "memory hit ÷ floor"],
  ["cacheRedis", "floor", "Redis hit ÷ floor"],
];
/** The gateway's columns: they can carry cache hits, and their cost over the floor is of interest. */
const GATEWAYS: TargetKey[] = [
  "gateway",
  "gatewayVk",
  "gatewayTranslate",
  "gatewayObs",
  "gatewayPg",
  "gatewayPgVk",
  "cacheMemory",
  "cacheRedis",
];

/** The calls straight to the fake: no proxy, each the reference of the targets that front it. */
export const DIRECTS: TargetKey[] = ["direct", "directAnthropic"];
const isDirect = (key: TargetKey) => DIRECTS.includes(key);

/**
 * The direct a target's overheads are against: the fake's OpenAI endpoint, except for the
 * translation target, whose upstream call is the fake's Anthropic /v1/messages.
 */
export function referenceOf(key: TargetKey): TargetKey {
  return key === "gatewayTranslate" ? "directAnthropic" : "direct";
}

const defined = (value: number | undefined, saturated?: boolean): Cell | undefined =>
  value === undefined || !Number.isFinite(value)
    ? undefined
    : { value, ...(saturated ? { saturated } : {}) };

function openAt(run: TargetRun | undefined, rate: number) {
  return run?.open.find((o) => o.rate === rate);
}

/**
 * A gateway column's value minus the floor's, within one run (so a median over runs is the median
 * of per-run differences): issue 19 states the cache's budget as what a hit adds over the floor.
 */
function overFloor(
  label: string,
  value: (runs: RunSet, key: TargetKey) => Cell | undefined,
  digits: number,
): MetricRow {
  return {
    label,
    digits,
    noRatio: true,
    onlyFor: GATEWAYS,
    cell: (runs, key) => {
      if (!GATEWAYS.includes(key)) return undefined;
      const mine = value(runs, key);
      const floor = value(runs, "floor");
      return mine === undefined || floor === undefined
        ? undefined
        : defined(mine.value - floor.value, mine.saturated || floor.saturated);
    },
  };
}

/** p50/p99 overhead at a rate: the target minus the direct run paired with it. */
function overheadAt(key: TargetKey, rate: number, q: "p50" | "p99", runs: RunSet) {
  const open = openAt(runs[key], rate);
  const direct =
    open?.pairedDirect?.latency?.[q] ?? openAt(runs[referenceOf(key)], rate)?.latency?.[q];
  const value = open?.latency?.[q];
  return value === undefined || direct === undefined
    ? undefined
    : defined(value - direct, open?.saturated || open?.pairedDirect?.saturated);
}

/** Correct answers that carried `x-litellm-cache-hit: True`, over every measured phase. */
export function cacheHitCounts(run: TargetRun | undefined): { hits: number; ok: number } {
  if (!run || run.failure) return { hits: 0, ok: 0 };
  const phases = [...run.open, ...(run.stream ? [run.stream] : [])];
  return {
    hits: (run.closed?.cacheHits ?? 0) + phases.reduce((sum, o) => sum + o.cacheHits, 0),
    ok: (run.closed?.ok ?? 0) + phases.reduce((sum, o) => sum + o.ok, 0),
  };
}

function cacheRows(rates: number[]): MetricRow[] {
  return [
    {
      label: "cache hits (x-litellm-cache-hit: True) among correct answers, all measured phases, %",
      digits: 1,
      noRatio: true,
      onlyFor: GATEWAYS,
      cell: (runs, key) => {
        const { hits, ok } = cacheHitCounts(runs[key]);
        return ok === 0 ? undefined : { value: (100 * hits) / ok };
      },
    },
    overFloor(
      "CPU-ms per request, closed loop: target − floor",
      (runs, key) => defined(runs[key]?.closed?.cpuMsPerRequest),
      3,
    ),
    ...rates.map((rate) =>
      overFloor(
        `p50 overhead @${rate} RPS: target − floor, ms`,
        (runs, key) => overheadAt(key, rate, "p50", runs),
        2,
      ),
    ),
  ];
}

function latencyRows(rates: number[]): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const rate of rates) {
    for (const q of ["p50", "p99"] as const) {
      rows.push({
        label: `${q} latency @${rate} RPS, ms`,
        digits: 2,
        cell: (runs, key) => {
          const open = openAt(runs[key], rate);
          return defined(open?.latency?.[q], open?.saturated);
        },
      });
    }
    for (const q of ["p50", "p99"] as const) {
      rows.push({
        label: `${q} overhead @${rate} RPS, ms`,
        digits: 2,
        overhead: true,
        // Against direct measured right before (paired), else the run's own direct column.
        cell: (runs, key) => (isDirect(key) ? undefined : overheadAt(key, rate, q, runs)),
      });
    }
  }
  return rows;
}

export function metricRows(rates: number[], cache: boolean): MetricRow[] {
  const midRate = rates.includes(500) ? 500 : rates[Math.floor(rates.length / 2)]!;
  return [
    {
      label: "RPS, closed loop (wrk -t1 -c50)",
      digits: 0,
      cell: (runs, key) => defined(runs[key]?.closed?.rps),
    },
    {
      label: "CPU-ms per request, closed loop",
      digits: 3,
      cell: (runs, key) => defined(runs[key]?.closed?.cpuMsPerRequest),
    },
    {
      label: `CPU-ms per request @${midRate} RPS open loop`,
      digits: 3,
      cell: (runs, key) => {
        const open = openAt(runs[key], midRate);
        return defined(open?.cpuMsPerRequest, open?.saturated);
      },
    },
    // The realistic path's extra cost, computed within each run (so its median is the median of
    // per-run differences): shown in the virtual-key column only.
    {
      label: "CPU-ms per request, closed loop: virtual key − master key",
      digits: 3,
      noRatio: true,
      onlyFor: ["gatewayVk"],
      cell: (runs, key) => {
        if (key !== "gatewayVk") return undefined;
        const vk = runs.gatewayVk?.closed?.cpuMsPerRequest;
        const master = runs.gateway?.closed?.cpuMsPerRequest;
        return vk === undefined || master === undefined ? undefined : defined(vk - master);
      },
    },
    {
      label: `CPU-ms per request @${midRate} RPS open loop: virtual key − master key`,
      digits: 3,
      noRatio: true,
      onlyFor: ["gatewayVk"],
      cell: (runs, key) => {
        if (key !== "gatewayVk") return undefined;
        const vk = openAt(runs.gatewayVk, midRate);
        const master = openAt(runs.gateway, midRate);
        return vk?.cpuMsPerRequest === undefined || master?.cpuMsPerRequest === undefined
          ? undefined
          : defined(vk.cpuMsPerRequest - master.cpuMsPerRequest, vk.saturated || master.saturated);
      },
    },
    // What translating to Anthropic and back costs over the plain OpenAI relay, same process.
    {
      label: "CPU-ms per request, closed loop: translate − master key",
      digits: 3,
      noRatio: true,
      onlyFor: ["gatewayTranslate"],
      cell: (runs, key) => {
        if (key !== "gatewayTranslate") return undefined;
        const translate = runs.gatewayTranslate?.closed?.cpuMsPerRequest;
        const master = runs.gateway?.closed?.cpuMsPerRequest;
        return translate === undefined || master === undefined
          ? undefined
          : defined(translate - master);
      },
    },
    {
      label: "CPU-ms per request, closed loop: OTel on − off",
      digits: 3,
      noRatio: true,
      onlyFor: ["gatewayObs"],
      cell: (runs, key) => {
        if (key !== "gatewayObs") return undefined;
        const on = runs.gatewayObs?.closed?.cpuMsPerRequest;
        const off = runs.gateway?.closed?.cpuMsPerRequest;
        return on === undefined || off === undefined ? undefined : defined(on - off);
      },
    },
    ...latencyRows(rates),
    ...(cache ? cacheRows(rates) : []),
    {
      label: "stream TTFB p50, ms",
      digits: 2,
      cell: (runs, key) => defined(runs[key]?.stream?.ttfb?.p50, runs[key]?.stream?.saturated),
    },
    ...(["p50", "p99"] as const).map((q): MetricRow => ({
      label: `stream TTFB overhead ${q}, ms`,
      digits: 2,
      overhead: true,
      cell: (runs, key) => {
        if (isDirect(key)) return undefined;
        const stream = runs[key]?.stream;
        const value = stream?.ttfb?.[q];
        const direct = stream?.pairedDirect?.ttfb?.[q] ?? runs[referenceOf(key)]?.stream?.ttfb?.[q];
        return value === undefined || direct === undefined
          ? undefined
          : defined(value - direct, stream?.saturated || stream?.pairedDirect?.saturated);
      },
    })),
    ...(["p50", "p99"] as const).map((q): MetricRow => ({
      label: `server-side overhead ${q} (x-litellm-overhead-duration-ms), ms`,
      digits: 2,
      // Only our gateway can send it; the other targets show n/a.
      noRatio: true,
      cell: (runs, key) => {
        const samples = (runs[key]?.open ?? []).flatMap((o) => o.serverOverheadSamples);
        if (samples.length === 0) return undefined;
        const sorted = samples.sort((a, b) => a - b);
        const index = Math.min(
          sorted.length - 1,
          Math.ceil((q === "p50" ? 0.5 : 0.99) * sorted.length) - 1,
        );
        return defined(sorted[index]);
      },
    })),
    {
      label: "RSS after start, idle (VmRSS), MiB",
      digits: 0,
      cell: (runs, key) => defined(runs[key]?.startRssMiB),
    },
    {
      label: "peak RSS (VmHWM), MiB",
      digits: 0,
      cell: (runs, key) => defined(runs[key]?.peakRssMiB),
    },
    {
      label: "bad responses (non-200, wrong content, socket errors)",
      digits: 0,
      noRatio: true,
      cell: (runs, key) =>
        runs[key] && !runs[key]?.failure ? { value: runs[key]!.bad } : undefined,
    },
    {
      label: "foreign CPU (other processes) during this target's runs, cores",
      digits: 2,
      noRatio: true,
      cell: (runs, key) => defined(runs[key]?.foreignCores),
    },
  ];
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function formatCell(cell: Cell | undefined, digits: number, missing: string): string {
  if (!cell) return missing;
  return formatNumber(cell.value, digits) + (cell.saturated ? " †" : "");
}

function ratio(a: Cell | undefined, b: Cell | undefined): string {
  if (!a || !b || b.value <= 0 || a.value < 0) return "-";
  return `${formatNumber(a.value / b.value, 2)}×` + (a.saturated || b.saturated ? " †" : "");
}

/**
 * A markdown table: metrics down, the targets of this run (`columns`: measured, or planned and
 * skipped) and the pairwise ratios between them across.
 */
export function renderTable(
  rows: MetricRow[],
  cells: (row: MetricRow, key: TargetKey) => Cell | undefined,
  present: Set<TargetKey>,
  columns: TargetKey[],
): string {
  const keys = KEYS.filter((k) => columns.includes(k));
  const ratios = RATIOS.filter(([a, b]) => keys.includes(a) && keys.includes(b));
  const header = ["metric", ...keys.map((k) => COLUMN_NAMES[k]), ...ratios.map((r) => r[2])];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const row of rows) {
    // A row for columns this run does not have (the virtual-key rows under --cache) is left out.
    if (row.onlyFor && !row.onlyFor.some((k) => keys.includes(k))) continue;
    const values = new Map(keys.map((k) => [k, cells(row, k)] as const));
    const missing = (key: TargetKey) =>
      row.onlyFor && !row.onlyFor.includes(key)
        ? ""
        : !present.has(key)
          ? "skipped"
          : isDirect(key)
            ? row.overhead
              ? "0"
              : "-"
            : "n/a";
    const ratioCells = ratios.map(([a, b]) => {
      if (row.noRatio) return "";
      if (row.overhead && isDirect(b)) return "-";
      return ratio(values.get(a), values.get(b));
    });
    lines.push(
      `| ${[
        row.label,
        ...keys.map((k) => formatCell(values.get(k), row.digits, missing(k))),
        ...ratioCells,
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

const hasCache = (columns: TargetKey[]) =>
  columns.includes("cacheMemory") || columns.includes("cacheRedis");

export function renderRunTable(runs: RunSet, rates: number[], columns: TargetKey[]): string {
  const present = new Set(KEYS.filter((k) => runs[k] && !runs[k]?.failure));
  return renderTable(
    metricRows(rates, hasCache(columns)),
    (row, key) => row.cell(runs, key),
    present,
    columns,
  );
}

/** Medians, metric by metric, over the kept repetitions (each metric computed within its run). */
export function renderMedianTable(
  runSets: RunSet[],
  rates: number[],
  columns: TargetKey[],
): string {
  const present = new Set(KEYS.filter((k) => runSets.some((r) => r[k] && !r[k]?.failure)));
  return renderTable(
    metricRows(rates, hasCache(columns)),
    (row, key) => {
      const cells = runSets.map((runs) => row.cell(runs, key)).filter((c): c is Cell => !!c);
      const value = median(cells.map((c) => c.value));
      return value === undefined
        ? undefined
        : { value, ...(cells.some((c) => c.saturated) ? { saturated: true } : {}) };
    },
    present,
    columns,
  );
}
