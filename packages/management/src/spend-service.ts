import { spendLogs, teams, type DbClient } from "@org/db";
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { hashKey } from "@org/budgets";
import { canReadAll, denied, deniedField, type Caller } from "./caller.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { parse, SpendLogsQuery, SpendReportQuery } from "./schemas.ts";
import { spendLogJson } from "./serializers.ts";
import { createDailyActivity } from "./daily-activity.ts";
import { createSpendLogPages } from "./spend-log-pages.ts";

const DAY_MS = 86_400_000;

/** A key filter may be the key itself or its hash (as LiteLLM accepts both). */
const keyHashOf = (value: string) => (value.startsWith("sk-") ? hashKey(value) : value);

/**
 * How `/global/spend/report` groups each day's spend: LiteLLM's `team` (`teams[].team_name`) and
 * `customer` (`customers[].customer`), plus `user` and `model` in the same shape. `api_key` has
 * its own shape (keyReport).
 */
const REPORT_GROUPS = {
  team: { column: "teamId", list: "teams", name: "team_name", unassigned: "Unassigned Team" },
  customer: {
    column: "endUserId",
    list: "customers",
    name: "customer",
    unassigned: "Unassigned Customer",
  },
  user: { column: "userId", list: "users", name: "user_id", unassigned: "Unassigned User" },
  model: { column: "model", list: "models", name: "model", unassigned: "Unknown Model" },
} as const;

/** `end_date` is inclusive: a date without a time covers that whole day (UTC). */
function endBound(text: string): Date {
  const t = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(t + DAY_MS) : new Date(t + 1);
}

/** /spend/logs and /global/spend/report. */
export function createSpendService(deps: ResolvedDeps) {
  const { db } = deps;

  return {
    // The dashboard's views (spend-log-pages.ts, daily-activity.ts): paged and grouped in SQL.
    ...createSpendLogPages(db),
    dailyActivity: createDailyActivity(db, () => deps.clock.now()),

    /** GET /spend/logs: rows in LiteLLM's field names, newest first. Non-admins see their own. */
    async logs(caller: Caller, query: unknown) {
      const q = parse(SpendLogsQuery, query);
      const filters: SQL[] = [];
      if (!canReadAll(caller)) {
        if (!caller.userId) throw denied("Only admins can read spend logs of other users.");
        if (q.user_id && q.user_id !== caller.userId)
          throw deniedField("user_id", "You can only read your own spend logs.");
        filters.push(eq(spendLogs.userId, caller.userId));
      }
      if (q.api_key) filters.push(eq(spendLogs.apiKeyHash, keyHashOf(q.api_key)));
      if (q.user_id) filters.push(eq(spendLogs.userId, q.user_id));
      if (q.team_id) filters.push(eq(spendLogs.teamId, q.team_id));
      if (q.end_user) filters.push(eq(spendLogs.endUserId, q.end_user));
      if (q.request_id) filters.push(eq(spendLogs.requestId, q.request_id));
      if (q.start_date) filters.push(gte(spendLogs.startTime, new Date(q.start_date)));
      if (q.end_date) filters.push(lt(spendLogs.startTime, endBound(q.end_date)));
      const rows = await db
        .select()
        .from(spendLogs)
        .where(filters.length ? and(...filters) : undefined)
        .orderBy(desc(spendLogs.startTime))
        .limit(q.page_size)
        .offset((q.page - 1) * q.page_size);
      return rows.map(spendLogJson);
    },

    /**
     * GET /global/spend/report: daily spend per team (default), customer, user or model, broken
     * down by key and model; or per key (`group_by=api_key`, `api_key=`, `internal_user_id=`) with per-model
     * details. LiteLLM's shapes.
     */
    async report(caller: Caller, query: unknown) {
      const q = parse(SpendReportQuery, query);
      if (!canReadAll(caller)) throw denied("Only admins can read spend reports.");
      const filters: SQL[] = [
        gte(spendLogs.startTime, new Date(q.start_date)),
        lt(spendLogs.startTime, endBound(q.end_date)),
      ];
      if (q.api_key) filters.push(eq(spendLogs.apiKeyHash, keyHashOf(q.api_key)));
      if (q.internal_user_id) filters.push(eq(spendLogs.userId, q.internal_user_id));
      if (q.team_id) filters.push(eq(spendLogs.teamId, q.team_id));
      if (q.customer_id) filters.push(eq(spendLogs.endUserId, q.customer_id));
      const where = and(...filters);

      if (q.group_by === "api_key" || q.api_key || q.internal_user_id) {
        return keyReport(db, where);
      }
      const day = sql<string>`to_char(date_trunc('day', ${spendLogs.startTime} at time zone 'UTC'), 'YYYY-MM-DD')`;
      const model = sql<string>`coalesce(${spendLogs.modelGroup}, ${spendLogs.model})`;
      const grouping = REPORT_GROUPS[q.group_by];
      const owner = grouping.column === "model" ? model : spendLogs[grouping.column];
      const rows = await db
        .select({
          day,
          owner,
          teamAlias: teams.teamAlias,
          model,
          apiKey: spendLogs.apiKeyHash,
          spend: sql<string>`sum(${spendLogs.spend})`,
          tokens: sql<string>`sum(${spendLogs.totalTokens})`,
        })
        .from(spendLogs)
        .leftJoin(teams, eq(teams.id, spendLogs.teamId))
        .where(where)
        .groupBy(day, owner, teams.teamAlias, model, spendLogs.apiKeyHash)
        .orderBy(day);

      const days = new Map<
        string,
        Map<string, { name: string; total: number; metadata: unknown[] }>
      >();
      for (const r of rows) {
        let groups = days.get(r.day);
        if (!groups) days.set(r.day, (groups = new Map()));
        const id = r.owner ?? "";
        const name =
          q.group_by === "team"
            ? (r.teamAlias ?? r.owner ?? grouping.unassigned)
            : (r.owner ?? grouping.unassigned);
        let group = groups.get(id);
        if (!group) groups.set(id, (group = { name, total: 0, metadata: [] }));
        const spend = Number(r.spend);
        group.total += spend;
        group.metadata.push({
          model: r.model,
          spend,
          total_tokens: Number(r.tokens),
          api_key: r.apiKey,
        });
      }
      return [...days].map(([d, groups]) => ({
        group_by_day: `${d}T00:00:00+00:00`,
        [grouping.list]: [...groups.values()].map((g) => ({
          [grouping.name]: g.name,
          total_spend: g.total,
          metadata: g.metadata,
        })),
      }));
    },
  };
}

async function keyReport(db: DbClient, where: SQL | undefined) {
  const model = sql<string>`coalesce(${spendLogs.modelGroup}, ${spendLogs.model})`;
  const rows = await db
    .select({
      apiKey: spendLogs.apiKeyHash,
      model,
      cost: sql<string>`sum(${spendLogs.spend})`,
      input: sql<string>`sum(${spendLogs.promptTokens})`,
      output: sql<string>`sum(${spendLogs.completionTokens})`,
    })
    .from(spendLogs)
    .where(where)
    .groupBy(spendLogs.apiKeyHash, model)
    .orderBy(spendLogs.apiKeyHash, model);
  const keys = new Map<
    string,
    {
      total_cost: number;
      total_input_tokens: number;
      total_output_tokens: number;
      model_details: unknown[];
    }
  >();
  for (const r of rows) {
    let k = keys.get(r.apiKey);
    if (!k)
      keys.set(
        r.apiKey,
        (k = { total_cost: 0, total_input_tokens: 0, total_output_tokens: 0, model_details: [] }),
      );
    const cost = Number(r.cost);
    const input = Number(r.input);
    const output = Number(r.output);
    k.total_cost += cost;
    k.total_input_tokens += input;
    k.total_output_tokens += output;
    k.model_details.push({
      model: r.model,
      total_cost: cost,
      total_input_tokens: input,
      total_output_tokens: output,
    });
  }
  return [...keys].map(([api_key, k]) => ({ api_key, ...k }));
}
