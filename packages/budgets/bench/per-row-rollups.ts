// The running-total statements as they were before issue 22 (one item per spend row, parsed and
// summed by every table's two statements), kept unchanged but for this header so that
// spend-insert.ts can measure what pre-adding them per owner and model (src/spend/spend-rollups.ts)
// gained. Not used by the package.
import type { DbClient } from "@org/db";
import { sql, type SQL } from "drizzle-orm";
import type { SpendRecord } from "../src/spend/spend-record.ts";

/**
 * One running total a batch adds to: a table, the columns that name its row, and whether it
 * keeps a per-model breakdown (`model_spend`) and a `last_active_at`.
 */
interface RollupTarget {
  readonly table: "virtual_keys" | "teams" | "users" | "organizations" | "team_memberships";
  readonly ids: readonly [string] | readonly [string, string];
  readonly modelSpend: boolean;
  readonly lastActive: boolean;
  /** The row's ids for this record, or undefined when the record does not roll up here. */
  readonly of: (r: SpendRecord) => readonly string[] | undefined;
}

const TARGETS: readonly RollupTarget[] = [
  {
    // Keys are touched even at zero cost (last_active_at).
    table: "virtual_keys",
    ids: ["token_hash"],
    modelSpend: true,
    lastActive: true,
    of: (r) => (r.virtualKey && r.apiKeyHash ? [r.apiKeyHash] : undefined),
  },
  {
    table: "teams",
    ids: ["id"],
    modelSpend: true,
    lastActive: false,
    of: (r) => (r.spend !== 0 && r.teamId ? [r.teamId] : undefined),
  },
  {
    table: "users",
    ids: ["id"],
    modelSpend: true,
    lastActive: false,
    of: (r) => (r.spend !== 0 && r.userId ? [r.userId] : undefined),
  },
  {
    table: "organizations",
    ids: ["id"],
    modelSpend: true,
    lastActive: false,
    of: (r) => (r.spend !== 0 && r.organizationId ? [r.organizationId] : undefined),
  },
  {
    table: "team_memberships",
    ids: ["team_id", "user_id"],
    modelSpend: false,
    lastActive: false,
    of: (r) => (r.spend !== 0 && r.teamId && r.userId ? [r.teamId, r.userId] : undefined),
  },
];

/**
 * Adds a batch's newly logged records to the running totals of keys, teams, users,
 * organizations, team memberships and end users: two statements per table whatever the number
 * of rows (a batch of 500 requests from 500 keys was 500 round trips).
 *
 * Each record's cost goes in as text and is cast to the spend column's type before PostgreSQL
 * sums it, so a total grows by exactly the sum of the `spend_logs` rows it was given (no float
 * addition anywhere). Rows are locked first in id order (`order by ... for update`), so flushers
 * on several instances writing overlapping batches cannot deadlock.
 */
export async function addToRunningTotalsPerRow(
  tx: DbClient,
  records: readonly SpendRecord[],
): Promise<void> {
  for (const target of TARGETS) {
    const items: Record<string, string>[] = [];
    for (const r of records) {
      const ids = target.of(r);
      if (ids === undefined) continue;
      items.push({
        k0: ids[0]!,
        ...(ids[1] !== undefined ? { k1: ids[1] } : {}),
        model: r.modelGroup ?? r.model,
        spend: String(r.spend),
        at: String(r.endTime / 1000),
      });
    }
    if (items.length > 0) await rollUp(tx, target, JSON.stringify(items));
  }
  await addToEndUsers(tx, records);
}

async function rollUp(tx: DbClient, target: RollupTarget, items: string): Promise<void> {
  const table = sql.identifier(target.table);
  const idCols = target.ids.map((c) => sql.identifier(c));
  const keyCols = target.ids.map((_, i) => sql.raw(`k${i}`));
  const rowKey = sql.join(idCols, sql`, `);
  const itemKey = sql.join(keyCols, sql`, `);
  const recordset = sql`jsonb_to_recordset(${items}::jsonb) as i(k0 text, k1 text, model text, spend text, at text)`;
  await tx.execute(
    sql`select 1 from ${table} where (${rowKey}) in (select ${itemKey} from ${recordset})
        order by ${rowKey} for update`,
  );
  const sets: SQL[] = [sql`spend = t.spend + d.spend`];
  if (target.modelSpend) {
    // A model's addition is exact numeric too; rows with no paid model keep model_spend as is.
    sets.push(sql`model_spend = case when d.models is null then t.model_spend
      else coalesce(t.model_spend, '{}'::jsonb) || (
        select jsonb_object_agg(m.key, coalesce((t.model_spend ->> m.key)::numeric, 0) + m.value::numeric)
          from jsonb_each_text(d.models) as m) end`);
  }
  if (target.lastActive) {
    sets.push(
      sql`last_active_at = greatest(coalesce(t.last_active_at, to_timestamp(0)), to_timestamp(d.at))`,
    );
  }
  const match = sql.join(
    target.ids.map((c, i) => sql`t.${sql.identifier(c)} = d.${sql.raw(`k${i}`)}`),
    sql` and `,
  );
  await tx.execute(
    sql`with i as (
          select ${itemKey}, model, spend::numeric(20, 10) as spend, at::double precision as at
            from ${recordset}),
        per_model as (
          select ${itemKey}, model, sum(spend) as spend from i
           where model is not null and spend <> 0 group by ${itemKey}, model),
        d as (
          select ${itemKey}, sum(spend) as spend, max(at) as at,
                 (select jsonb_object_agg(p.model, p.spend) from per_model p
                   where ${sql.join(
                     target.ids.map((_, n) => sql`p.${sql.raw(`k${n}`)} = i.${sql.raw(`k${n}`)}`),
                     sql` and `,
                   )}) as models
            from i group by ${itemKey})
        update ${table} as t set ${sql.join(sets, sql`, `)} from d where ${match}`,
  );
}

/** End users exist as soon as they spend (LiteLLM creates them on first use). */
async function addToEndUsers(tx: DbClient, records: readonly SpendRecord[]): Promise<void> {
  const items = records
    .filter((r) => r.endUserId)
    .map((r) => ({ id: r.endUserId!, spend: String(r.spend) }));
  if (items.length === 0) return;
  await tx.execute(
    sql`insert into end_users (id, spend)
        select id, sum(spend::numeric(20, 10)) from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            as i(id text, spend text)
         group by id order by id
        on conflict (id) do update set spend = end_users.spend + excluded.spend`,
  );
}
