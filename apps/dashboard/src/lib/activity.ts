/**
 * Aggregations over GET /user/daily/activity (LiteLLM's shape: one result per day with its
 * metrics and a breakdown by model, key, team and provider) for the Overview and Usage charts
 * and tables. The server already sums per day in SQL; these fold days into totals per entity and
 * fill the days without traffic so a chart's x axis has no gaps.
 */
import { toNumber } from "./money.ts";

export interface Metrics {
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
  cache_hits: number;
  latency_p50_ms?: number | null;
  latency_p95_ms?: number | null;
}

export interface BreakdownEntry {
  metrics: Metrics;
  metadata?: Record<string, unknown>;
}

export type Dimension = "models" | "api_keys" | "teams" | "providers";

export interface DailyResult {
  date: string;
  metrics: Metrics;
  breakdown?: Partial<Record<Dimension, Record<string, BreakdownEntry>>>;
}

export interface DailyActivity {
  results: DailyResult[];
  /** The whole range's breakdown (the gateway's addition): per-day ones are then not needed. */
  breakdown?: Partial<Record<Dimension, Record<string, BreakdownEntry>>>;
  metadata?: {
    total_spend?: number;
    total_prompt_tokens?: number;
    total_completion_tokens?: number;
    total_tokens?: number;
    total_api_requests?: number;
    total_successful_requests?: number;
    total_failed_requests?: number;
    latency_p50_ms?: number | null;
    latency_p95_ms?: number | null;
  };
}

const SUMMED = [
  "spend",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "api_requests",
  "successful_requests",
  "failed_requests",
  "cache_hits",
] as const;

export const emptyMetrics = (): Metrics => ({
  spend: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  api_requests: 0,
  successful_requests: 0,
  failed_requests: 0,
  cache_hits: 0,
});

/** a + b for every summed field (latency percentiles cannot be summed and are left out). */
export function addMetrics(a: Metrics, b: Partial<Metrics> | undefined): Metrics {
  const out = { ...a };
  for (const field of SUMMED) out[field] = a[field] + (toNumber(b?.[field]) ?? 0);
  return out;
}

export interface DayPoint extends Metrics {
  date: string;
}

/**
 * One point per day from start to end (YYYY-MM-DD, inclusive, UTC days), zeros for days without
 * traffic, in date order. Days outside the range are dropped.
 */
export function dailySeries(activity: DailyActivity, start: string, end: string): DayPoint[] {
  const byDate = new Map(activity.results.map((r) => [r.date.slice(0, 10), r]));
  const points: DayPoint[] = [];
  for (const date of daysBetween(start, end)) {
    const found = byDate.get(date);
    points.push({
      date,
      ...addMetrics(emptyMetrics(), found?.metrics),
      latency_p50_ms: toNumber(found?.metrics.latency_p50_ms),
      latency_p95_ms: toNumber(found?.metrics.latency_p95_ms),
    });
  }
  return points;
}

export interface EntityRow extends Metrics {
  id: string;
  /** A human name where the API gives one (key alias, team alias), else the id. */
  label: string;
  metadata: Record<string, unknown>;
}

/** Totals per entity of one dimension over all days, most spend first (ties: most requests). */
export function breakdownRows(activity: DailyActivity, dimension: Dimension): EntityRow[] {
  const rows = new Map<string, EntityRow>();
  // The range's own breakdown when the API sent it, else the days' summed (LiteLLM's shape).
  const sources = activity.breakdown ? [{ breakdown: activity.breakdown }] : activity.results;
  for (const day of sources) {
    for (const [id, entry] of Object.entries(day.breakdown?.[dimension] ?? {})) {
      const previous = rows.get(id);
      const metadata = { ...previous?.metadata, ...entry.metadata };
      rows.set(id, {
        id,
        label: labelFor(dimension, id, metadata),
        metadata,
        ...addMetrics(previous ?? emptyMetrics(), entry.metrics),
      });
    }
  }
  return [...rows.values()].sort(
    (a, b) => b.spend - a.spend || b.api_requests - a.api_requests || a.id.localeCompare(b.id),
  );
}

function labelFor(dimension: Dimension, id: string, metadata: Record<string, unknown>): string {
  const name =
    dimension === "api_keys"
      ? metadata.key_alias
      : dimension === "teams"
        ? metadata.team_alias
        : undefined;
  if (typeof name === "string" && name.trim()) return name;
  if (dimension === "api_keys") return `${id.slice(0, 10)}…`;
  return id || "(none)";
}

/** The first n rows and, when there are more, one "Other" row summing the rest (for charts). */
export function topWithOther(rows: EntityRow[], n: number): EntityRow[] {
  if (rows.length <= n) return rows;
  const rest = rows.slice(n).reduce((sum, row) => addMetrics(sum, row), emptyMetrics());
  return [
    ...rows.slice(0, n),
    { id: "(other)", label: `Other (${rows.length - n})`, metadata: {}, ...rest },
  ];
}

export interface Totals extends Metrics {
  /** failed / requests, null without requests. */
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

/** Totals over the period: the API's metadata totals where present, else summed from the days. */
export function totals(activity: DailyActivity): Totals {
  const summed = activity.results.reduce(
    (sum, day) => addMetrics(sum, day.metrics),
    emptyMetrics(),
  );
  const m = activity.metadata ?? {};
  const pick = (v: unknown, fallback: number) => toNumber(v) ?? fallback;
  const out: Metrics = {
    ...summed,
    spend: pick(m.total_spend, summed.spend),
    prompt_tokens: pick(m.total_prompt_tokens, summed.prompt_tokens),
    completion_tokens: pick(m.total_completion_tokens, summed.completion_tokens),
    total_tokens: pick(m.total_tokens, summed.total_tokens),
    api_requests: pick(m.total_api_requests, summed.api_requests),
    successful_requests: pick(m.total_successful_requests, summed.successful_requests),
    failed_requests: pick(m.total_failed_requests, summed.failed_requests),
  };
  return {
    ...out,
    error_rate: out.api_requests > 0 ? out.failed_requests / out.api_requests : null,
    latency_p50_ms: toNumber(m.latency_p50_ms),
    latency_p95_ms: toNumber(m.latency_p95_ms),
  };
}

/** The metrics of one day (zeros when it had no traffic). */
export function dayMetrics(activity: DailyActivity, date: string): Metrics {
  const day = activity.results.find((r) => r.date.slice(0, 10) === date);
  return addMetrics(emptyMetrics(), day?.metrics);
}

/** Every YYYY-MM-DD from start to end inclusive (UTC); empty when start is after end. */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  const from = Date.parse(`${start}T00:00:00Z`);
  const to = Date.parse(`${end}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return days;
  // Bounded: a year and a bit is the most the Usage page asks for.
  for (let t = from; t <= to && days.length < 800; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** UTC YYYY-MM-DD of an instant. */
export const utcDate = (instant: Date): string => instant.toISOString().slice(0, 10);

/** The last n days ending today (UTC), inclusive. */
export function lastDays(n: number, now: Date): { start: string; end: string } {
  return { start: utcDate(new Date(now.getTime() - (n - 1) * 86_400_000)), end: utcDate(now) };
}

/** From the first of this month (UTC) to today. */
export function monthToDate(now: Date): { start: string; end: string } {
  return { start: `${utcDate(now).slice(0, 7)}-01`, end: utcDate(now) };
}
