import { InvalidRequestError } from "@org/core";
import { executeRows, spendLogs, teams, virtualKeys, type DbClient } from "@org/db";
import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { hashKey } from "@org/budgets";
import type { Caller } from "./caller.ts";
import { parse } from "./schemas.ts";
import { DailyActivityQuery } from "./spend-dashboard-schemas.ts";
import { endBound, modelOf } from "./spend-log-pages.ts";
import { spendScope } from "./spend-scope.ts";

const DAY_MS = 86_400_000;
/** Without dates: the last 30 days, as LiteLLM's UI asks for. */
const DEFAULT_DAYS = 30;
/** A bound on one request's work: a year of days and its breakdowns. */
const MAX_DAYS = 366;

/** LiteLLM's SpendMetrics, plus our latency percentiles (ms, over the rows that have one). */
export interface ActivityMetrics {
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
  cache_hits: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface Breakdown {
  models: Record<string, { metrics: ActivityMetrics }>;
  api_keys: Record<
    string,
    { metrics: ActivityMetrics; metadata: { key_alias: string | null; team_id: string | null } }
  >;
  teams: Record<string, { metrics: ActivityMetrics; metadata: { team_alias: string | null } }>;
  providers: Record<string, { metrics: ActivityMetrics }>;
}

type Row = Record<string, unknown>;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function metricsOf(r: Row): ActivityMetrics {
  return {
    spend: num(r.spend),
    prompt_tokens: num(r.prompt_tokens),
    completion_tokens: num(r.completion_tokens),
    total_tokens: num(r.total_tokens),
    api_requests: num(r.api_requests),
    successful_requests: num(r.successful_requests),
    failed_requests: num(r.failed_requests),
    cache_hits: num(r.cache_hits),
    latency_p50_ms: orNull(r.latency_p50_ms),
    latency_p95_ms: orNull(r.latency_p95_ms),
  };
}

const dayText = (d: Date) => d.toISOString().slice(0, 10);

/** The breakdowns, in LiteLLM's names, and the CTE column each groups by. */
const BREAKDOWNS = ["models", "api_keys", "teams", "providers"] as const;
const BREAKDOWN_COLUMN = {
  models: "model",
  api_keys: "api_key",
  teams: "team_id",
  providers: "provider",
} as const;

/**
 * GET /user/daily/activity (LiteLLM's shape): per UTC day, the totals and their breakdown by
 * model, key, team and provider, and the totals of the whole range. One SQL statement with
 * GROUPING SETS computes all of it from one read of the range's rows (start_time index),
 * so nothing is summed in JS; the same caller scope as the spend logs applies.
 */
export function createDailyActivity(db: DbClient, now: () => number) {
  return async function dailyActivity(caller: Caller, query: unknown) {
    const q = parse(DailyActivityQuery, query);
    const end = q.end_date
      ? endBound(q.end_date)
      : new Date(Date.parse(dayText(new Date(now()))) + DAY_MS);
    const start = q.start_date
      ? new Date(q.start_date)
      : new Date(end.getTime() - DEFAULT_DAYS * DAY_MS);
    if (start.getTime() >= end.getTime()) {
      throw new InvalidRequestError("Invalid request: start_date must be before end_date", {
        param: "start_date",
        code: "400",
      });
    }
    if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) {
      throw new InvalidRequestError(
        `Invalid request: the range may cover at most ${MAX_DAYS} days`,
        { param: "start_date", code: "400" },
      );
    }
    const filters: SQL[] = [gte(spendLogs.startTime, start), lt(spendLogs.startTime, end)];
    const scope = spendScope(caller, undefined);
    if (scope) filters.push(scope);
    if (q.api_key) {
      filters.push(
        eq(spendLogs.apiKeyHash, q.api_key.startsWith("sk-") ? hashKey(q.api_key) : q.api_key),
      );
    }
    if (q.team_id) filters.push(eq(spendLogs.teamId, q.team_id));
    if (q.model) filters.push(eq(modelOf, q.model));

    // Per-day breakdowns asked for (all by default, LiteLLM's shape); each is a grouping set.
    const daily = BREAKDOWNS.filter((b) => q.daily_breakdown.includes(b))
      .map((b) => `(day, ${BREAKDOWN_COLUMN[b]}), `)
      .join("");
    // The day is a date computed once per row in the CTE (cheaper than formatting each row);
    // every grouping set then works on plain columns.
    const rows = await executeRows<Row>(
      db,
      sql`with r as (
          select (${spendLogs.startTime} at time zone 'UTC')::date as day, ${modelOf} as model,
            ${spendLogs.apiKeyHash} as api_key, ${spendLogs.teamId} as team_id,
            coalesce(${spendLogs.provider}, 'unknown') as provider, ${spendLogs.spend} as spend,
            ${spendLogs.promptTokens} as prompt_tokens,
            ${spendLogs.completionTokens} as completion_tokens,
            ${spendLogs.totalTokens} as total_tokens, ${spendLogs.status} as status,
            ${spendLogs.cacheHit} as cache_hit, ${spendLogs.requestDurationMs} as duration
          from ${spendLogs}
          where ${and(...filters)}
        )
        select to_char(day, 'YYYY-MM-DD') as day, model, api_key, team_id, provider,
          grouping(day) as g_day, grouping(model) as g_model, grouping(api_key) as g_key,
          grouping(team_id) as g_team, grouping(provider) as g_provider,
          sum(spend)::float8 as spend,
          sum(prompt_tokens)::float8 as prompt_tokens,
          sum(completion_tokens)::float8 as completion_tokens,
          sum(total_tokens)::float8 as total_tokens,
          count(*)::int as api_requests,
          (count(*) filter (where status = 'success'))::int as successful_requests,
          (count(*) filter (where status <> 'success'))::int as failed_requests,
          (count(*) filter (where cache_hit))::int as cache_hits,
          percentile_cont(0.5) within group (order by duration) as latency_p50_ms,
          percentile_cont(0.95) within group (order by duration) as latency_p95_ms
        from r
        group by grouping sets ((day), ${sql.raw(daily)}(model), (api_key), (team_id), (provider), ())`,
    );

    const days = new Map<string, { metrics: ActivityMetrics; breakdown: Breakdown }>();
    const emptyBreakdown = (): Breakdown => ({
      models: {},
      api_keys: {},
      teams: {},
      providers: {},
    });
    const dayEntry = (d: string) => {
      let entry = days.get(d);
      if (!entry) {
        entry = { metrics: metricsOf({}), breakdown: emptyBreakdown() };
        days.set(d, entry);
      }
      return entry;
    };
    // Ours: the same breakdowns summed over the whole range (small whatever the range's length).
    const range = { metrics: metricsOf({}), breakdown: emptyBreakdown() };
    let totals = metricsOf({});
    const keyHashes = new Set<string>();
    const teamIds = new Set<string>();
    for (const r of rows) {
      const m = metricsOf(r);
      const entry = num(r.g_day) === 1 ? range : dayEntry(String(r.day));
      if (num(r.g_model) === 0) entry.breakdown.models[String(r.model)] = { metrics: m };
      else if (num(r.g_key) === 0) {
        const hash = String(r.api_key);
        keyHashes.add(hash);
        entry.breakdown.api_keys[hash] = {
          metrics: m,
          metadata: { key_alias: null, team_id: null },
        };
      } else if (num(r.g_team) === 0) {
        // Requests without a team are filed under "" ("no team"), as LiteLLM's UI shows them.
        const id = r.team_id === null ? "" : String(r.team_id);
        if (id) teamIds.add(id);
        entry.breakdown.teams[id] = { metrics: m, metadata: { team_alias: null } };
      } else if (num(r.g_provider) === 0)
        entry.breakdown.providers[String(r.provider)] = { metrics: m };
      else if (entry === range) totals = m;
      else entry.metrics = m;
    }

    // Names for the breakdown's keys and teams: two indexed lookups, not a join per row.
    const [keyRows, teamRows] = await Promise.all([
      keyHashes.size > 0
        ? db
            .select({
              hash: virtualKeys.tokenHash,
              alias: virtualKeys.keyAlias,
              teamId: virtualKeys.teamId,
            })
            .from(virtualKeys)
            .where(inArray(virtualKeys.tokenHash, [...keyHashes]))
        : [],
      teamIds.size > 0
        ? db
            .select({ id: teams.id, alias: teams.teamAlias })
            .from(teams)
            .where(inArray(teams.id, [...teamIds]))
        : [],
    ]);
    const keyInfo = new Map(keyRows.map((k) => [k.hash, k]));
    const teamAlias = new Map(teamRows.map((t) => [t.id, t.alias]));
    for (const entry of [...days.values(), range]) {
      for (const [hash, item] of Object.entries(entry.breakdown.api_keys)) {
        const info = keyInfo.get(hash);
        item.metadata = { key_alias: info?.alias ?? null, team_id: info?.teamId ?? null };
      }
      for (const [id, item] of Object.entries(entry.breakdown.teams)) {
        item.metadata = { team_alias: teamAlias.get(id) ?? null };
      }
    }

    return {
      breakdown: range.breakdown,
      results: [...days]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([date, entry]) => ({ date, metrics: entry.metrics, breakdown: entry.breakdown })),
      metadata: {
        total_spend: totals.spend,
        total_prompt_tokens: totals.prompt_tokens,
        total_completion_tokens: totals.completion_tokens,
        total_tokens: totals.total_tokens,
        total_api_requests: totals.api_requests,
        total_successful_requests: totals.successful_requests,
        total_failed_requests: totals.failed_requests,
        total_cache_hits: totals.cache_hits,
        latency_p50_ms: totals.latency_p50_ms,
        latency_p95_ms: totals.latency_p95_ms,
        start_date: dayText(start),
        end_date: dayText(new Date(end.getTime() - 1)),
      },
    };
  };
}
