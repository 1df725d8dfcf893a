import {
  endUsers,
  organizations,
  spendLogs,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
  type NewSpendLog,
} from "@org/db";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { SpendRecord } from "./spend-record.ts";

/** Writes batches of spend to the database. */
export interface SpendWriter {
  /** Writes the batch in one transaction; returns how many records were new. */
  write(records: readonly SpendRecord[]): Promise<number>;
}

interface Total {
  spend: number;
  readonly models: Map<string, number>;
}

/**
 * The Postgres side of the spend ledger. One transaction per batch:
 * 1. insert the `spend_logs` rows, skipping request ids already there (a batch replayed after a
 *    crash between commit and acknowledgement);
 * 2. add only the newly inserted rows to the running totals (`spend`, `model_spend`) of keys,
 *    teams, users, organizations, team memberships and end users (created on first spend).
 * Replaying a batch therefore changes nothing: the ledger converges to exactly the sum served.
 * Rows are updated in sorted order so concurrent flushers on several instances cannot deadlock.
 */
export function createDbSpendWriter(db: DbClient): SpendWriter {
  return {
    async write(records) {
      const unique = dedupe(records);
      if (unique.length === 0) return 0;
      return db.transaction(async (tx) => {
        const inserted = new Set<string>();
        for (let i = 0; i < unique.length; i += 500) {
          const rows = await tx
            .insert(spendLogs)
            .values(unique.slice(i, i + 500).map(toRow))
            .onConflictDoNothing({ target: spendLogs.requestId })
            .returning({ requestId: spendLogs.requestId });
          for (const row of rows) inserted.add(row.requestId);
        }
        const fresh = unique.filter((r) => inserted.has(r.requestId));
        if (fresh.length === 0) return 0;

        const keys = new Map<string, Total>();
        const teamTotals = new Map<string, Total>();
        const userTotals = new Map<string, Total>();
        const orgTotals = new Map<string, Total>();
        const members = new Map<string, { teamId: string; userId: string; spend: number }>();
        const endUserTotals = new Map<string, number>();
        let lastActive = 0;
        for (const r of fresh) {
          const model = r.modelGroup ?? r.model;
          // Keys are touched even at zero cost (last_active_at); end users are created on first use.
          if (r.virtualKey && r.apiKeyHash) add(keys, r.apiKeyHash, model, r.spend);
          if (r.endUserId)
            endUserTotals.set(r.endUserId, (endUserTotals.get(r.endUserId) ?? 0) + r.spend);
          lastActive = Math.max(lastActive, r.endTime);
          if (r.spend === 0) continue;
          if (r.teamId) add(teamTotals, r.teamId, model, r.spend);
          if (r.userId) add(userTotals, r.userId, model, r.spend);
          if (r.organizationId) add(orgTotals, r.organizationId, model, r.spend);
          if (r.teamId && r.userId) {
            const id = `${r.teamId}\u0000${r.userId}`;
            const m = members.get(id) ?? { teamId: r.teamId, userId: r.userId, spend: 0 };
            m.spend += r.spend;
            members.set(id, m);
          }
        }

        for (const [hash, total] of sorted(keys)) {
          await tx
            .update(virtualKeys)
            .set({
              spend: increment(virtualKeys.spend, total.spend),
              modelSpend: mergeModelSpend(virtualKeys.modelSpend, total.models),
              lastActiveAt: sql`greatest(coalesce(${virtualKeys.lastActiveAt}, to_timestamp(0)), to_timestamp(${lastActive / 1000}))`,
              updatedAt: sql`${virtualKeys.updatedAt}`,
            })
            .where(eq(virtualKeys.tokenHash, hash));
        }
        for (const [id, total] of sorted(teamTotals)) {
          await tx
            .update(teams)
            .set({
              spend: increment(teams.spend, total.spend),
              modelSpend: mergeModelSpend(teams.modelSpend, total.models),
              updatedAt: sql`${teams.updatedAt}`,
            })
            .where(eq(teams.id, id));
        }
        for (const [id, total] of sorted(userTotals)) {
          await tx
            .update(users)
            .set({
              spend: increment(users.spend, total.spend),
              modelSpend: mergeModelSpend(users.modelSpend, total.models),
              updatedAt: sql`${users.updatedAt}`,
            })
            .where(eq(users.id, id));
        }
        for (const [id, total] of sorted(orgTotals)) {
          await tx
            .update(organizations)
            .set({
              spend: increment(organizations.spend, total.spend),
              modelSpend: mergeModelSpend(organizations.modelSpend, total.models),
              updatedAt: sql`${organizations.updatedAt}`,
            })
            .where(eq(organizations.id, id));
        }
        for (const [, m] of sorted(members)) {
          if (m.spend === 0) continue;
          await tx
            .update(teamMemberships)
            .set({ spend: increment(teamMemberships.spend, m.spend) })
            .where(and(eq(teamMemberships.teamId, m.teamId), eq(teamMemberships.userId, m.userId)));
        }
        const endUserRows = sorted(endUserTotals).map(([id, spend]) => ({ id, spend }));
        if (endUserRows.length > 0) {
          // End users exist as soon as they spend (LiteLLM creates them on first use).
          await tx
            .insert(endUsers)
            .values(endUserRows)
            .onConflictDoUpdate({
              target: endUsers.id,
              set: { spend: sql`${endUsers.spend} + excluded.spend` },
            });
        }
        return fresh.length;
      });
    },
  };
}

/** Request ids already in `spend_logs` among these (for tests and reconciliation). */
export async function existingRequestIds(
  db: DbClient,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: spendLogs.requestId })
    .from(spendLogs)
    .where(inArray(spendLogs.requestId, [...ids]));
  return new Set(rows.map((r) => r.id));
}

function dedupe(records: readonly SpendRecord[]): SpendRecord[] {
  const seen = new Set<string>();
  const out: SpendRecord[] = [];
  for (const r of records) {
    if (seen.has(r.requestId)) continue;
    seen.add(r.requestId);
    out.push(r);
  }
  return out;
}

function add(totals: Map<string, Total>, id: string, model: string, spend: number): void {
  let total = totals.get(id);
  if (total === undefined) {
    total = { spend: 0, models: new Map() };
    totals.set(id, total);
  }
  total.spend += spend;
  if (model && spend !== 0) total.models.set(model, (total.models.get(model) ?? 0) + spend);
}

function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function increment(column: PgColumn, delta: number): SQL {
  return sql`${column} + ${String(delta)}::numeric`;
}

/** `model_spend || {model: model_spend[model] + delta, ...}`, exact numeric addition per model. */
function mergeModelSpend(column: PgColumn, models: Map<string, number>): SQL {
  if (models.size === 0) return sql`${column}`;
  const pairs: SQL[] = [];
  for (const [model, delta] of models) {
    pairs.push(
      sql`${model}::text, coalesce((${column}->>${model}::text)::numeric, 0) + ${String(delta)}::numeric`,
    );
  }
  return sql`coalesce(${column}, '{}'::jsonb) || jsonb_build_object(${sql.join(pairs, sql`, `)})`;
}

function toRow(r: SpendRecord): NewSpendLog {
  return {
    requestId: r.requestId,
    callType: r.callType,
    apiKeyHash: r.apiKeyHash,
    spend: r.spend,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    totalTokens: r.totalTokens,
    startTime: new Date(r.startTime),
    endTime: new Date(r.endTime),
    completionStartTime:
      r.completionStartTime === undefined ? null : new Date(r.completionStartTime),
    requestDurationMs: Math.max(0, Math.round(r.endTime - r.startTime)),
    model: r.model,
    modelGroup: r.modelGroup ?? null,
    modelId: r.modelId ?? null,
    provider: r.provider ?? null,
    apiBase: r.apiBase ?? null,
    userId: r.userId ?? null,
    endUserId: r.endUserId ?? null,
    teamId: r.teamId ?? null,
    organizationId: r.organizationId ?? null,
    requestTags: r.requestTags ? [...r.requestTags] : [],
    metadata: r.metadata ?? {},
    cacheHit: r.cacheHit,
    status: r.status,
    statusCode: r.statusCode ?? null,
    errorType: r.errorType ?? null,
    errorMessage: r.errorMessage ?? null,
  };
}
