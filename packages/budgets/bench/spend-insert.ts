/**
 * What the spend writer's batch insert costs the database, per 1,000 rows, and what each lever
 * would save (issue 22: PGlite executing this insert was ~15-18% of an embedded gateway's CPU).
 *
 *   pnpm --filter @org/budgets exec tsx bench/spend-insert.ts [--pg <url>] [--no-pglite] [--batches 5] [--only a,b]
 *     [--baseline <other tree>/packages/budgets/src/spend/spend-writer.ts]
 *
 * PGlite (on disk, as the embedded gateway runs it) always; PostgreSQL with `--pg`. The CPU is
 * process.cpuUsage() of this process (PGlite runs in it) plus, on PostgreSQL, the server
 * backend's utime + stime from /proc (a pool of one connection, so one backend; the server must
 * run on this machine; its WAL writer and checkpointer are not counted). Not a test: it asserts
 * nothing and takes minutes.
 *
 * Every variant has its own copy of spend_logs with the indexes it says, first filled with
 * 10,000 mixed rows (unmeasured, so the indexes are not trivially small). Then, `--batches`
 * times, each variant in turn writes a batch of 2,500 master-key rows (no team, user or end
 * user) and one of 2,500 virtual-key rows (team, user, organization; an end user on one in
 * four), each measured apart. The table shows the least and the median batch (CPU time on a
 * shared machine only ever grows with contention, so the least is the better estimate), and on
 * PGlite the WAL bytes per row, which the load does not move.
 *
 * To compare the writer with another version of it (e.g. before a change), `--baseline` loads
 * that tree's spend-writer.ts (a `git archive <commit> packages` unpacked beside this one, with
 * node_modules copied, as the router's bench does) and adds a variant writing through it, with
 * the indexes of now, taking turns with the others: each sees the same load. Its batches go to
 * this tree's schema, so the two writers must agree on spend_logs and SpendRecord.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createDb,
  organizations,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type Database,
} from "@org/db";
import { executeRows } from "@org/db";
import { sql } from "drizzle-orm";
import { RESET_LOCK_ID } from "../src/budgets/reset-lock.ts";
import type { SpendRecord } from "../src/spend/spend-record.ts";
import * as current from "../src/spend/spend-writer.ts";
import { COLUMN_LIST, RECORD_TYPE, spendLogsJson } from "../src/spend/spend-writer.ts";

type WriterModule = Pick<typeof current, "createDbSpendWriter">;

const { values: args } = parseArgs({
  options: {
    pg: { type: "string" },
    batches: { type: "string", default: "5" },
    only: { type: "string" },
    "no-pglite": { type: "boolean", default: false },
    baseline: { type: "string" },
  },
});
const BATCHES = Number(args.batches);
const BATCH_ROWS = 2_500;
const PREFILL_ROWS = 10_000;

/** spend_logs' indexes as migrations 0000 and 0005 created them (the primary key aside). */
const FULL: Record<string, string> = {
  start_time: `create index spend_logs_start_time_idx on spend_logs (start_time)`,
  api_key_hash: `create index spend_logs_api_key_hash_start_time_idx on spend_logs (api_key_hash, start_time)`,
  team_id: `create index spend_logs_team_id_start_time_idx on spend_logs (team_id, start_time)`,
  user_id: `create index spend_logs_user_id_start_time_idx on spend_logs (user_id, start_time)`,
  end_user_id: `create index spend_logs_end_user_id_start_time_idx on spend_logs (end_user_id, start_time)`,
  model: `create index spend_logs_model_start_time_idx on spend_logs (coalesce(model_group, model), start_time)`,
  status: `create index spend_logs_status_start_time_idx on spend_logs (status, start_time)`,
};
const partial = (column: "team_id" | "user_id" | "end_user_id") =>
  `${FULL[column]!} where ${column} is not null`;
/** Since migration 0006: the owner indexes leave out rows without that owner. */
const NOW: Record<string, string> = {
  ...FULL,
  team_id: partial("team_id"),
  user_id: partial("user_id"),
  end_user_id: partial("end_user_id"),
};
/** Failures are the rare rows the dashboard filters for; successes are found by start_time. */
const NOW_AND_FAILURES_ONLY: Record<string, string> = {
  ...NOW,
  status: `create index spend_logs_failure_start_time_idx on spend_logs (start_time) where status <> 'success'`,
};

type Insert =
  | { kind: "writer" }
  /** The --baseline tree's writer. */
  | { kind: "baseline" }
  | {
      kind: "statement";
      fn?: "jsonb" | "json";
      /** A row back per inserted record (the writer), none, or one row: a count (ids only on a replay). */
      returning?: boolean | "count";
      onConflict?: boolean;
      rowsPerStatement?: number;
    };

interface Variant {
  readonly name: string;
  readonly indexes: Record<string, string>;
  readonly insert: Insert;
  /** Session settings, e.g. synchronous_commit, set for this variant's batches only. */
  readonly settings?: readonly string[];
}

const writer = { kind: "writer" } as const;
const without = (name: string): Variant => {
  const { [name]: _dropped, ...rest } = NOW;
  return { name: `without the ${name} index`, indexes: rest, insert: writer };
};
const statement = {
  kind: "statement",
  fn: "jsonb",
  returning: true,
  onConflict: true,
  rowsPerStatement: 500,
} as const;

const VARIANTS: Variant[] = [
  { name: "now: the writer, indexes of 0006", indexes: NOW, insert: writer },
  { name: "the writer, full owner indexes (0005)", indexes: FULL, insert: writer },
  ...(args.baseline === undefined
    ? []
    : [
        {
          name: "the --baseline writer, indexes of 0006",
          indexes: NOW,
          insert: { kind: "baseline" } as const,
        },
      ]),
  { name: "insert statement alone (a row back per record)", indexes: NOW, insert: statement },
  {
    name: "statement, a count back, ids only on a replay",
    indexes: NOW,
    insert: { ...statement, returning: "count" },
  },
  ...Object.keys(NOW).map(without),
  { name: "no index but the primary key", indexes: {}, insert: writer },
  { name: "failures-only status index", indexes: NOW_AND_FAILURES_ONLY, insert: writer },
  { name: "statement, no returning", indexes: NOW, insert: { ...statement, returning: false } },
  {
    name: "statement, no on conflict",
    indexes: NOW,
    insert: { ...statement, onConflict: false, returning: false },
  },
  { name: "statement, json not jsonb", indexes: NOW, insert: { ...statement, fn: "json" } },
  {
    name: "statement, 2,500 rows per statement",
    indexes: NOW,
    insert: { ...statement, rowsPerStatement: 2_500 },
  },
  {
    name: "synchronous_commit off",
    indexes: NOW,
    insert: writer,
    settings: ["set synchronous_commit = off"],
  },
];

// ---- realistic rows, as create-budget-hooks.ts builds them ----

const hex = (s: string) => createHash("sha256").update(s).digest("hex");
const MASTER_HASH = hex("sk-master");
let clock = Date.now() - 86_400_000;

interface Owners {
  keys: {
    hash: string;
    teamId: string;
    userId: string;
    orgId: string;
    alias: string;
    teamAlias: string;
  }[];
}

function row(owners: Owners | undefined, i: number): SpendRecord {
  const start = (clock += 7);
  const group = ["gpt-4o", "gpt-4o-mini", "claude-sonnet", "gemini-pro"][i % 4]!;
  const key = owners?.keys[i % owners.keys.length];
  return {
    requestId: randomUUID(),
    callType: "acompletion",
    apiKeyHash: key?.hash ?? MASTER_HASH,
    spend: 0.000_125 + (i % 13) * 0.000_01,
    promptTokens: 20 + (i % 50),
    completionTokens: 40 + (i % 70),
    totalTokens: 60 + (i % 50) + (i % 70),
    startTime: start,
    endTime: start + 180 + (i % 400),
    model: `openai/${group}`,
    modelGroup: group,
    modelId: `deployment-${i % 3}`,
    provider: "openai",
    apiBase: "https://api.openai.com/v1",
    virtualKey: key !== undefined,
    ...(key ? { teamId: key.teamId, userId: key.userId, organizationId: key.orgId } : {}),
    ...(key && i % 4 === 0 ? { endUserId: `customer-${i % 200}` } : {}),
    metadata: {
      user_api_key_alias: key?.alias ?? null,
      user_api_key_team_alias: key?.teamAlias ?? null,
      attempted_retries: 0,
      attempted_fallbacks: 0,
      original_model_group: group,
    },
    cacheHit: false,
    status: i % 50 === 0 ? "failure" : "success",
    statusCode: i % 50 === 0 ? 500 : 200,
    ...(i % 50 === 0 ? { errorType: "api_error", errorMessage: "upstream answered 500" } : {}),
  };
}

const batchOf = (owners: Owners | undefined, n: number) =>
  Array.from({ length: n }, (_, i) => row(owners, i));

async function seedOwners(database: Database): Promise<Owners> {
  const db = database.db;
  const [org] = await db.insert(organizations).values({ organizationAlias: "bench" }).returning();
  const keys: Owners["keys"] = [];
  for (let t = 0; t < 5; t++) {
    const [team] = await db
      .insert(teams)
      .values({ teamAlias: `team-${t}`, organizationId: org!.id })
      .returning();
    for (let u = 0; u < 4; u++) {
      const userId = `user-${t}-${u}-${randomUUID()}`;
      await db.insert(users).values({ id: userId });
      await db.insert(teamMemberships).values({ teamId: team!.id, userId });
      const hash = hex(`sk-${userId}`);
      await db
        .insert(virtualKeys)
        .values({ tokenHash: hash, teamId: team!.id, userId, keyAlias: `key-${t}-${u}` });
      keys.push({
        hash,
        teamId: team!.id,
        userId,
        orgId: org!.id,
        alias: `key-${t}-${u}`,
        teamAlias: `team-${t}`,
      });
    }
  }
  return { keys };
}

// ---- measuring ----

interface Engine {
  readonly name: string;
  readonly database: Database;
  /** The schema the migrations built (the running totals live there). */
  readonly schema: string;
  /** CPU ms so far: this process, plus the server backend on PostgreSQL. */
  cpuMs(): number;
  /**
   * WAL bytes written so far: PGlite only (one session, so all of it is ours; a shared server's
   * WAL position moves with everyone's writes). Unlike CPU time, it does not vary with the load
   * of the machine, and it grows with each index entry a row adds.
   */
  walBytes?(): Promise<number>;
}

interface Figures {
  /** CPU-ms per 1,000 rows: the least of the batches (contention only ever adds) and the median. */
  readonly min: number;
  readonly median: number;
  /** WAL bytes per row (PGlite). */
  readonly wal?: number;
}

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function backendCpu(database: Database): Promise<() => number> {
  const [row] = await database.raw.query<{ pid: number }>("select pg_backend_pid() as pid");
  const ticks = 100; // USER_HZ on Linux
  return () => {
    const fields = readFileSync(`/proc/${row!.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of stat; index 11 and 12 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  };
}

/**
 * The writer's transaction (writeBatch in spend-writer.ts) with the statement shaped as the
 * variant says and no running totals (the insert's own cost).
 */
async function writeWith(
  database: Database,
  insert: Extract<Insert, { kind: "statement" }>,
  records: readonly SpendRecord[],
): Promise<void> {
  const type = insert.fn === "json" ? "json" : "jsonb";
  const tail = `${insert.onConflict ? "on conflict (request_id) do nothing" : ""} ${insert.returning ? "returning request_id" : ""}`;
  // One row back: how many were inserted, and which only when fewer than sent (a replay).
  const wrap = (statement: ReturnType<typeof sql>, rows: number) =>
    insert.returning === "count"
      ? sql`with inserted as (${statement}) select count(*)::int as inserted,
          case when count(*) < ${sql.raw(String(rows))} then coalesce(jsonb_agg(request_id), '[]')::text end
          from inserted`
      : statement;
  const step = insert.rowsPerStatement ?? 500;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${RESET_LOCK_ID})`);
    for (let i = 0; i < records.length; i += step) {
      const json = spendLogsJson(records.slice(i, i + step));
      const rows = Math.min(step, records.length - i);
      await executeRows(
        tx,
        wrap(
          sql`insert into spend_logs (${sql.raw(COLUMN_LIST)})
            select ${sql.raw(COLUMN_LIST)} from ${sql.raw(`${type}_to_recordset`)}(${json}::text::${sql.raw(type)})
              as r(${sql.raw(RECORD_TYPE)}) ${sql.raw(tail)}`,
          rows,
        ),
      );
    }
  });
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Each variant writes to its own copy of spend_logs (a schema of its own ahead of the main one
 * on the search_path, so the writer's unqualified statements reach it and the running totals
 * stay shared), and the variants take turns batch by batch: a slow spell on the shared machine
 * then falls on all of them alike instead of on whichever ran during it.
 */
async function prepareVariant(database: Database, main: string, schema: string, variant: Variant) {
  await database.raw.query(`create schema ${q(schema)}`);
  await database.raw.query(
    `create table ${q(schema)}.spend_logs (like ${q(main)}.spend_logs including all)`,
  );
  const copied = await database.raw.query<{ name: string }>(
    `select indexname as name from pg_indexes where tablename = 'spend_logs' and schemaname = $1 and indexname not like '%pkey'`,
    [schema],
  );
  for (const { name } of copied) await database.raw.query(`drop index ${q(schema)}.${q(name)}`);
  await database.raw.query(`set search_path to ${q(schema)}, ${q(main)}`);
  for (const ddl of Object.values(variant.indexes)) await database.raw.query(ddl);
  await database.raw.query(`set search_path to ${q(main)}`);
}

async function measure(engine: Engine, variants: readonly Variant[], baseline?: WriterModule) {
  const { database, schema: main } = engine;
  const owners = await seedOwners(database);
  const schemas = variants.map((_, i) => `${main}_v${i}`);
  const writer = current.createDbSpendWriter(database.db);
  const baselineWriter = baseline?.createDbSpendWriter(database.db);
  for (const [i, variant] of variants.entries()) {
    await prepareVariant(database, main, schemas[i]!, variant);
    await database.raw.query(`set search_path to ${q(schemas[i]!)}, ${q(main)}`);
    for (let b = 0; b < PREFILL_ROWS / BATCH_ROWS; b++) {
      await writer.write(batchOf(b % 2 ? owners : undefined, BATCH_ROWS));
    }
  }
  const perBatch = variants.map(() => ({
    master: { cpu: [] as number[], wal: [] as number[] },
    virtual: { cpu: [] as number[], wal: [] as number[] },
  }));
  for (let b = 0; b < BATCHES; b++) {
    // Rotated each pass, so no variant always follows the same one.
    for (let n = 0; n < variants.length; n++) {
      const i = (n + b) % variants.length;
      const variant = variants[i]!;
      await database.raw.query(`set search_path to ${q(schemas[i]!)}, ${q(main)}`);
      for (const setting of variant.settings ?? []) await database.raw.query(setting);
      for (const kind of ["master", "virtual"] as const) {
        // Built before the clock starts: the rows are the journal's, not the writer's work.
        const records = batchOf(kind === "virtual" ? owners : undefined, BATCH_ROWS);
        const walBefore = await engine.walBytes?.();
        const before = engine.cpuMs();
        if (variant.insert.kind === "writer") await writer.write(records);
        else if (variant.insert.kind === "baseline") await baselineWriter!.write(records);
        else await writeWith(database, variant.insert, records);
        perBatch[i]![kind].cpu.push(((engine.cpuMs() - before) / BATCH_ROWS) * 1000);
        if (walBefore !== undefined) {
          perBatch[i]![kind].wal.push(((await engine.walBytes!()) - walBefore) / BATCH_ROWS);
        }
      }
      for (const setting of variant.settings ?? []) {
        await database.raw.query(setting.replace(/^set (\w+) = .*/, "reset $1"));
      }
    }
    console.error(`${engine.name}: pass ${b + 1} of ${BATCHES} done`);
  }
  await database.raw.query(`set search_path to ${q(main)}`);
  for (const schema of schemas) await database.raw.query(`drop schema ${q(schema)} cascade`);
  const figures = (f: { cpu: number[]; wal: number[] }): Figures => ({
    min: Math.min(...f.cpu),
    median: median(f.cpu),
    ...(f.wal.length ? { wal: median(f.wal) } : {}),
  });
  return perBatch.map(({ master, virtual }) => ({
    master: figures(master),
    virtual: figures(virtual),
  }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function openEngines(): Promise<{ engines: Engine[]; close(): Promise<void> }> {
  const engines: Engine[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  if (!args["no-pglite"]) {
    const dir = await mkdtemp(join(tmpdir(), "spend-insert-bench-"));
    const schema = "bench_main";
    const database = await createDb({ dataDir: join(dir, "data"), schema });
    await database.migrate();
    engines.push({
      name: "PGlite",
      database,
      schema,
      cpuMs: processCpuMs,
      async walBytes() {
        const [row] = await database.raw.query<{ at: string }>(
          "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text as at",
        );
        return Number(row!.at);
      },
    });
    cleanups.push(async () => {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    });
  }
  if (args.pg) {
    const schema = `bench_spend_${randomUUID().slice(0, 8)}`;
    const database = await createDb({ url: args.pg, schema, max: 1 });
    await database.migrate();
    const backend = await backendCpu(database);
    engines.push({
      name: "PostgreSQL",
      database,
      schema,
      cpuMs: () => processCpuMs() + backend(),
    });
    cleanups.push(async () => {
      await database.raw.query(`drop schema ${q(schema)} cascade`);
      await database.close();
    });
  }
  return {
    engines,
    async close() {
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

const baseline =
  args.baseline === undefined ? undefined : ((await import(args.baseline)) as WriterModule);
const { engines, close } = await openEngines();
try {
  const only = args.only?.split(",").map((s) => s.trim());
  const variants = only ? VARIANTS.filter((v) => only.some((o) => v.name.includes(o))) : VARIANTS;
  const results = new Map<string, Map<string, { master: Figures; virtual: Figures }>>();
  for (const engine of engines) {
    const figures = await measure(engine, variants, baseline);
    for (const [i, variant] of variants.entries()) {
      const row = results.get(variant.name) ?? new Map();
      row.set(engine.name, figures[i]!);
      results.set(variant.name, row);
    }
  }
  const names = engines.map((e) => e.name);
  const withWal = engines.filter((e) => e.walBytes).map((e) => e.name);
  console.log(
    `\nCPU-ms per 1,000 rows, least / median of ${BATCHES} batches of ${BATCH_ROWS}, master-key rows | virtual-key rows` +
      (withWal.length ? `; WAL bytes per row (${withWal.join(", ")})` : "") +
      "\n",
  );
  const header = names.flatMap((n) => [`${n} master`, `${n} virtual`]);
  const walHeader = withWal.flatMap((n) => [`${n} WAL master`, `${n} WAL virtual`]);
  console.log(`| variant | ${[...header, ...walHeader].join(" | ")} |`);
  console.log(`|---|${[...header, ...walHeader].map(() => "---:").join("|")}|`);
  const cpu = (f: Figures) => `${f.min.toFixed(1)} / ${f.median.toFixed(1)}`;
  for (const [variant, row] of results) {
    const cells = names.flatMap((n) => [cpu(row.get(n)!.master), cpu(row.get(n)!.virtual)]);
    const wal = withWal.flatMap((n) => [
      row.get(n)!.master.wal!.toFixed(0),
      row.get(n)!.virtual.wal!.toFixed(0),
    ]);
    console.log(`| ${variant} | ${[...cells, ...wal].join(" | ")} |`);
  }
} finally {
  await close();
}
