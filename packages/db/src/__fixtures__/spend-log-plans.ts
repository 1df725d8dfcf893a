import { expect } from "vitest";
import type { Database } from "../database.ts";

/**
 * The spend queries the gateway runs on `spend_logs`, in the shape each has (the filters and the
 * order; the selected columns do not change the choice of index), checked on EXPLAIN against a
 * table of realistic make-up: half the rows from a master key (no team, user or end user), half
 * from 200 virtual keys in 40 teams and 100 users, an end user on a quarter of those, 2% failures.
 * Each owner also has one rare value with 20 rows: finding those by walking start_time would read
 * the whole table, so only the owner's own index answers them well, and the test can tell.
 *
 * Each query is checked twice: with its values inlined (a custom plan) and as a prepared
 * statement under `plan_cache_mode = force_generic_plan` (what postgres.js's prepared statements
 * may get after five runs): a partial index (`where team_id is not null`) must serve `team_id =
 * $1` even when the planner does not know the value.
 */
export const PLAN_ROWS = 40_000;

export async function seedSpendLogsForPlans(database: Database): Promise<void> {
  await database.raw.query(
    `insert into spend_logs (request_id, call_type, api_key_hash, spend, start_time, end_time,
       model, model_group, user_id, end_user_id, team_id, status)
     select 'req-' || i, 'acompletion',
       case when i % 2 = 0 then 'master-key-hash' else 'key-' || (i % 200) end,
       0.0001, now() - i * interval '10 seconds', now() - i * interval '10 seconds' + interval '1 second',
       'openai/m', (array['gpt-4o', 'gpt-4o-mini', 'claude', 'gemini-pro'])[(i / 7) % 4 + 1],
       case when i % 2 = 1 then 'user-' || (i % 100) end,
       case when i % 8 = 1 then 'customer-' || (i % 300) end,
       case when i % 2 = 1 then 'team-' || (i % 40) end,
       case when i % 50 = 3 then 'failure' else 'success' end
     from generate_series(1, $1::int) as i`,
    [PLAN_ROWS],
  );
  // The rare owners, spread over the whole time range.
  await database.raw.query(
    `insert into spend_logs (request_id, call_type, api_key_hash, spend, start_time, end_time,
       model, model_group, user_id, end_user_id, team_id, status)
     select 'rare-' || i, 'acompletion', 'key-rare', 0.0001,
       now() - i * interval '5 hours', now() - i * interval '5 hours' + interval '1 second',
       'openai/m', 'rare-model', 'user-rare', 'customer-rare', 'team-rare', 'success'
     from generate_series(1, 20) as i`,
  );
  await database.raw.query("analyze spend_logs");
}

interface PlannedQuery {
  readonly name: string;
  readonly sql: string;
  readonly types: readonly string[];
  readonly params: readonly (string | number)[];
  /** The index the plan must use. */
  readonly index: RegExp;
  /**
   * The generic plan's, when it may differ: not knowing the value, the planner expects an
   * average owner's share of the rows, and for one page newest first walking start_time back
   * until the page is full is then rightly its choice.
   */
  readonly genericIndex?: RegExp;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const since = hoursAgo(24 * 30);
const until = hoursAgo(-1);

/** /spend/logs (LiteLLM) filtered by one owner: newest first, one page. */
const logsBy = (column: string, value: string, index: RegExp): PlannedQuery => ({
  name: `/spend/logs by ${column}`,
  sql: `select * from spend_logs where ${column} = $1 order by start_time desc limit 100`,
  types: ["text"],
  params: [value],
  index,
  genericIndex: new RegExp(`${index.source}|spend_logs_start_time_idx`),
});

/** The budget reset job (budget-reset-job.ts): an owner's spend since its window started. */
const windowSpendOf = (column: string, value: string, index: RegExp): PlannedQuery => ({
  name: `budget window spend by ${column}`,
  sql: `select coalesce(sum(spend), 0) from spend_logs
         where ${column} = $1 and start_time >= $2 and end_time >= $3`,
  types: ["text", "timestamptz", "timestamptz"],
  params: [value, since, since],
  index,
});

/** /global/spend/report for one owner over a range, grouped by day, model and key. */
const reportBy = (column: string, value: string, index: RegExp): PlannedQuery => ({
  name: `/global/spend/report by ${column}`,
  sql: `select date_trunc('day', start_time at time zone 'UTC') as day,
           coalesce(model_group, model) as model, api_key_hash, sum(spend), sum(total_tokens)
         from spend_logs where start_time >= $1 and start_time < $2 and ${column} = $3
         group by 1, 2, 3 order by 1`,
  types: ["timestamptz", "timestamptz", "text"],
  params: [since, until, value],
  index,
  // Not knowing the range either, the planner takes it for a narrow one (0.5% of the rows).
  genericIndex: new RegExp(`${index.source}|spend_logs_start_time_idx`),
});

const KEY = /spend_logs_api_key_hash_start_time_idx/;
const TEAM = /spend_logs_team_id_start_time_idx/;
const USER = /spend_logs_user_id_start_time_idx/;
const END_USER = /spend_logs_end_user_id_start_time_idx/;

export const SPEND_QUERIES: readonly PlannedQuery[] = [
  logsBy("api_key_hash", "key-rare", KEY),
  logsBy("team_id", "team-rare", TEAM),
  logsBy("user_id", "user-rare", USER),
  logsBy("end_user_id", "customer-rare", END_USER),
  windowSpendOf("api_key_hash", "key-rare", KEY),
  windowSpendOf("team_id", "team-rare", TEAM),
  windowSpendOf("user_id", "user-rare", USER),
  windowSpendOf("end_user_id", "customer-rare", END_USER),
  reportBy("team_id", "team-rare", TEAM),
  reportBy("end_user_id", "customer-rare", END_USER),
  {
    name: "team member's window spend (team and user)",
    sql: `select coalesce(sum(spend), 0) from spend_logs
           where team_id = $1 and user_id = $2 and start_time >= $3 and end_time >= $3`,
    types: ["text", "text", "timestamptz"],
    params: ["team-rare", "user-rare", since],
    index: /spend_logs_(team_id|user_id)_start_time_idx/,
  },
  {
    name: "dashboard log by model",
    sql: `select * from spend_logs where coalesce(model_group, model) = $1
           order by start_time desc, request_id desc limit 50`,
    types: ["text"],
    params: ["rare-model"],
    index: /spend_logs_model_start_time_idx/,
    genericIndex: /spend_logs_(model_)?start_time_idx/,
  },
  {
    name: "dashboard log, failures only",
    sql: `select * from spend_logs where status = $1 order by start_time desc, request_id desc limit 50`,
    types: ["text"],
    params: ["failure"],
    index: /spend_logs_status_start_time_idx|spend_logs_start_time_idx/,
  },
  {
    name: "global range, newest first (dashboard log, /spend/logs)",
    sql: `select * from spend_logs where start_time >= $1 and start_time < $2
           order by start_time desc limit 50`,
    types: ["timestamptz", "timestamptz"],
    params: [hoursAgo(2), until],
    index: /spend_logs_start_time_idx/,
  },
  {
    name: "global range report (the last two hours)",
    sql: `select coalesce(model_group, model), sum(spend) from spend_logs
           where start_time >= $1 and start_time < $2 group by 1`,
    types: ["timestamptz", "timestamptz"],
    params: [hoursAgo(2), until],
    index: /spend_logs_start_time_idx/,
  },
];

const literal = (value: string | number) =>
  typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;

/** EXPLAIN of a query with its values inlined (custom) or as a forced generic plan. */
export async function planOf(
  database: Database,
  query: PlannedQuery,
  generic: boolean,
): Promise<string> {
  const lines = async (text: string) =>
    (await database.raw.query<Record<string, string>>(text))
      .map((row) => Object.values(row)[0])
      .join("\n");
  if (!generic) {
    return lines(`explain ${query.sql.replace(/\$(\d+)/g, (_, n) => literal(query.params[Number(n) - 1]!))}`);
  }
  await database.raw.query(`prepare plan_check(${query.types.join(", ")}) as ${query.sql}`);
  try {
    await database.raw.query("set plan_cache_mode = force_generic_plan");
    return await lines(`explain execute plan_check(${query.params.map(literal).join(", ")})`);
  } finally {
    await database.raw.query("reset plan_cache_mode");
    await database.raw.query("deallocate plan_check");
  }
}

/** Every query, custom and generic, uses its index and never reads spend_logs whole. */
export async function expectEveryQueryIndexed(database: Database): Promise<void> {
  for (const query of SPEND_QUERIES) {
    for (const generic of [false, true]) {
      const plan = await planOf(database, query, generic);
      const label = `${query.name} (${generic ? "generic" : "custom"} plan):\n${plan}`;
      expect(plan, label).toMatch((generic && query.genericIndex) || query.index);
      expect(plan, label).not.toMatch(/Seq Scan on spend_logs/);
    }
  }
}

/** The owner indexes leave out rows without that owner (issue 22: cheaper inserts). */
export async function expectPartialOwnerIndexes(database: Database): Promise<void> {
  const rows = await database.raw.query<{ name: string; def: string }>(
    `select indexname as name, indexdef as def from pg_indexes
      where tablename = 'spend_logs' and schemaname = current_schema()`,
  );
  const defs = new Map(rows.map((r) => [r.name, r.def]));
  for (const column of ["team_id", "user_id", "end_user_id"]) {
    expect(defs.get(`spend_logs_${column}_start_time_idx`)).toMatch(
      new RegExp(`WHERE \\(${column} IS NOT NULL\\)`),
    );
  }
}
