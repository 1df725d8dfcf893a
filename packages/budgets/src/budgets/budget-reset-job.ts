import {
  budgets,
  endUsers,
  organizations,
  spendLogs,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
} from "@org/db";
import { and, eq, gte, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { KeyInvalidationBus } from "../keys/key-invalidation-bus.ts";
import { duration as parseStored } from "../keys/build-key-identity.ts";
import { systemClock, type Clock } from "../util/clock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { windowEndAt, windowStartAt } from "./budget-duration.ts";
import { RESET_LOCK_ID } from "./reset-lock.ts";

export interface BudgetResetCounts {
  keys: number;
  teams: number;
  users: number;
  budgets: number;
}

/** Longest a request may run: one that started this long before a window began can't end in it. */
const LONGEST_REQUEST_MS = 30 * 60_000;

/**
 * Starts a new window in the database for every budget whose reset time has passed, and moves its
 * `budget_reset_at` to the end of the current window (rolled forward the same way the ledger
 * rolls, so both agree on the window). Runs at start, which is how a reset missed while the
 * gateway was down happens, and then periodically. Each row is reset with a compare-and-set on
 * its old reset time, so instances running the job at once reset it once.
 *
 * `spend` is not set to 0 but to what the spend logs hold for the new window: the job runs up to
 * a minute after the reset time, and spend the flusher wrote in between belongs to the new window
 * (setting 0 would erase it, and a restarted ledger seeded from the row would forget it). A
 * request counts in the window it ended in, as the ledger settles it. The pass holds an exclusive
 * advisory lock that the spend writer takes shared, so no batch commits between the sum and the
 * update.
 *
 * Budget enforcement does not wait for this job: the ledger starts a new window by itself at the
 * reset time. The job keeps the database's running totals (what /key/info shows and what a
 * restarted ledger is seeded from) in step.
 */
export async function resetDueBudgets(db: DbClient, now: number): Promise<BudgetResetCounts> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${RESET_LOCK_ID})`);
    return resetDueRows(tx as unknown as DbClient, now);
  });
}

async function resetDueRows(db: DbClient, now: number): Promise<BudgetResetCounts> {
  const at = new Date(now);
  const counts: BudgetResetCounts = { keys: 0, teams: 0, users: 0, budgets: 0 };
  const due = (t: { budgetDuration: PgColumn; budgetResetAt: PgColumn }) =>
    and(isNotNull(t.budgetDuration), or(isNull(t.budgetResetAt), lte(t.budgetResetAt, at)));
  /** The new window: where it starts (undefined: none stored, so nothing to carry) and ends. */
  const windowOf = (text: string | null, resetAt: Date | null) => {
    const d = parseStored(text);
    if (!d) return undefined;
    const old = resetAt?.getTime();
    return {
      start: old === undefined ? undefined : windowStartAt(d, old, now),
      end: new Date(windowEndAt(d, old, now)),
    };
  };
  const sameReset = (column: PgColumn, old: Date | null) =>
    old === null ? isNull(column) : eq(column, old);
  /** Spend logged since `start` by the logs matching `owner` (0 without a start). */
  const spendSince = (start: number | undefined, owner: SQL | undefined) => {
    if (start === undefined) return sql`0`;
    const from = new Date(start);
    return sql`(select coalesce(sum(${spendLogs.spend}), 0) from ${spendLogs} where ${and(
      owner,
      // The owner indexes are (owner, start_time): bound start_time so they serve the sum.
      gte(spendLogs.startTime, new Date(start - LONGEST_REQUEST_MS)),
      gte(spendLogs.endTime, from),
    )})`;
  };

  for (const row of await db
    .select({ id: virtualKeys.id, d: virtualKeys.budgetDuration, r: virtualKeys.budgetResetAt })
    .from(virtualKeys)
    .where(due(virtualKeys))) {
    const window = windowOf(row.d, row.r);
    if (!window) continue;
    const done = await db
      .update(virtualKeys)
      .set({
        spend: spendSince(window.start, eq(spendLogs.apiKeyHash, virtualKeys.tokenHash)),
        budgetResetAt: window.end,
        softBudgetCooldown: false,
        updatedAt: sql`${virtualKeys.updatedAt}`,
      })
      .where(and(eq(virtualKeys.id, row.id), sameReset(virtualKeys.budgetResetAt, row.r)))
      .returning({ id: virtualKeys.id });
    counts.keys += done.length;
  }
  for (const row of await db
    .select({ id: teams.id, d: teams.budgetDuration, r: teams.budgetResetAt })
    .from(teams)
    .where(due(teams))) {
    const window = windowOf(row.d, row.r);
    if (!window) continue;
    const done = await db
      .update(teams)
      .set({
        spend: spendSince(window.start, eq(spendLogs.teamId, teams.id)),
        budgetResetAt: window.end,
        updatedAt: sql`${teams.updatedAt}`,
      })
      .where(and(eq(teams.id, row.id), sameReset(teams.budgetResetAt, row.r)))
      .returning({ id: teams.id });
    counts.teams += done.length;
  }
  for (const row of await db
    .select({ id: users.id, d: users.budgetDuration, r: users.budgetResetAt })
    .from(users)
    .where(due(users))) {
    const window = windowOf(row.d, row.r);
    if (!window) continue;
    const done = await db
      .update(users)
      .set({
        spend: spendSince(window.start, eq(spendLogs.userId, users.id)),
        budgetResetAt: window.end,
        updatedAt: sql`${users.updatedAt}`,
      })
      .where(and(eq(users.id, row.id), sameReset(users.budgetResetAt, row.r)))
      .returning({ id: users.id });
    counts.users += done.length;
  }
  // A shared budget row resets everything that spends against it.
  for (const row of await db
    .select({ id: budgets.id, d: budgets.budgetDuration, r: budgets.budgetResetAt })
    .from(budgets)
    .where(due(budgets))) {
    const window = windowOf(row.d, row.r);
    if (!window) continue;
    const done = await db
      .update(budgets)
      .set({ budgetResetAt: window.end, updatedAt: sql`${budgets.updatedAt}` })
      .where(and(eq(budgets.id, row.id), sameReset(budgets.budgetResetAt, row.r)))
      .returning({ id: budgets.id });
    if (done.length === 0) continue;
    counts.budgets++;
    await db
      .update(organizations)
      .set({ spend: spendSince(window.start, eq(spendLogs.organizationId, organizations.id)) })
      .where(eq(organizations.budgetId, row.id));
    await db
      .update(endUsers)
      .set({ spend: spendSince(window.start, eq(spendLogs.endUserId, endUsers.id)) })
      .where(eq(endUsers.budgetId, row.id));
    await db
      .update(teamMemberships)
      .set({
        spend: spendSince(
          window.start,
          and(
            eq(spendLogs.teamId, teamMemberships.teamId),
            eq(spendLogs.userId, teamMemberships.userId),
          ),
        ),
      })
      .where(eq(teamMemberships.budgetId, row.id));
    await db
      .update(virtualKeys)
      .set({ spend: spendSince(window.start, eq(spendLogs.apiKeyHash, virtualKeys.tokenHash)) })
      .where(and(eq(virtualKeys.budgetId, row.id), isNull(virtualKeys.budgetDuration)));
  }
  return counts;
}

export interface BudgetResetJobOptions {
  db: DbClient;
  /** Told to drop cached identities after a reset, so their seeds and reset times are fresh. */
  bus?: KeyInvalidationBus;
  clock?: Clock;
  /** Default 60 s. */
  intervalMs?: number;
  logger?: BudgetsLogger;
}

export interface BudgetResetJob {
  /** Runs once now (catching up on resets missed while down), then every interval. */
  start(): Promise<BudgetResetCounts>;
  runOnce(): Promise<BudgetResetCounts>;
  stop(): void;
}

export function createBudgetResetJob(options: BudgetResetJobOptions): BudgetResetJob {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<BudgetResetCounts> | undefined;

  const runOnce = async (): Promise<BudgetResetCounts> => {
    // A run already going read the clock before this call: let it finish, then run with the
    // current time (sharing its promise would answer with a pass that may have missed a reset
    // the caller expects, e.g. after a clock move).
    while (running) await running.catch(() => undefined);
    const run = resetDueBudgets(options.db, clock.now())
      .then(async (counts) => {
        if (counts.keys + counts.teams + counts.users + counts.budgets > 0) {
          await options.bus?.publish({ kind: "all" });
        }
        return counts;
      })
      .finally(() => {
        if (running === run) running = undefined;
      });
    running = run;
    return run;
  };

  return {
    async start() {
      const counts = await runOnce();
      timer ??= setInterval(() => {
        runOnce().catch((error: unknown) =>
          logger.error("budget reset failed; will retry", { error: String(error) }),
        );
      }, options.intervalMs ?? 60_000);
      timer.unref();
      return counts;
    },
    runOnce,
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
