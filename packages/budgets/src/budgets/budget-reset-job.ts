import {
  budgets,
  endUsers,
  organizations,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
} from "@org/db";
import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { KeyInvalidationBus } from "../keys/key-invalidation-bus.ts";
import { duration as parseStored } from "../keys/build-key-identity.ts";
import { systemClock, type Clock } from "../util/clock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { windowEndAt } from "./budget-duration.ts";

export interface BudgetResetCounts {
  keys: number;
  teams: number;
  users: number;
  budgets: number;
}

/**
 * Sets `spend` back to 0 in the database for every budget whose reset time has passed, and moves
 * its `budget_reset_at` to the end of the current window (rolled forward the same way the ledger
 * rolls, so both agree on the window). Runs at start, which is how a reset missed while the
 * gateway was down happens, and then periodically. Each row is reset with a compare-and-set on
 * its old reset time, so instances running the job at once reset it once.
 *
 * Budget enforcement does not wait for this job: the ledger starts a new window by itself at the
 * reset time. The job keeps the database's running totals (what /key/info shows and what a
 * restarted ledger is seeded from) in step.
 */
export async function resetDueBudgets(db: DbClient, now: number): Promise<BudgetResetCounts> {
  const at = new Date(now);
  const counts: BudgetResetCounts = { keys: 0, teams: 0, users: 0, budgets: 0 };
  const due = (t: { budgetDuration: PgColumn; budgetResetAt: PgColumn }) =>
    and(isNotNull(t.budgetDuration), or(isNull(t.budgetResetAt), lte(t.budgetResetAt, at)));
  const next = (text: string | null, resetAt: Date | null) => {
    const d = parseStored(text);
    return d ? new Date(windowEndAt(d, resetAt?.getTime(), now)) : undefined;
  };
  const sameReset = (column: PgColumn, old: Date | null) =>
    old === null ? isNull(column) : eq(column, old);

  for (const row of await db
    .select({ id: virtualKeys.id, d: virtualKeys.budgetDuration, r: virtualKeys.budgetResetAt })
    .from(virtualKeys)
    .where(due(virtualKeys))) {
    const resetAt = next(row.d, row.r);
    if (!resetAt) continue;
    const done = await db
      .update(virtualKeys)
      .set({
        spend: 0,
        budgetResetAt: resetAt,
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
    const resetAt = next(row.d, row.r);
    if (!resetAt) continue;
    const done = await db
      .update(teams)
      .set({ spend: 0, budgetResetAt: resetAt, updatedAt: sql`${teams.updatedAt}` })
      .where(and(eq(teams.id, row.id), sameReset(teams.budgetResetAt, row.r)))
      .returning({ id: teams.id });
    counts.teams += done.length;
  }
  for (const row of await db
    .select({ id: users.id, d: users.budgetDuration, r: users.budgetResetAt })
    .from(users)
    .where(due(users))) {
    const resetAt = next(row.d, row.r);
    if (!resetAt) continue;
    const done = await db
      .update(users)
      .set({ spend: 0, budgetResetAt: resetAt, updatedAt: sql`${users.updatedAt}` })
      .where(and(eq(users.id, row.id), sameReset(users.budgetResetAt, row.r)))
      .returning({ id: users.id });
    counts.users += done.length;
  }
  // A shared budget row resets everything that spends against it.
  for (const row of await db
    .select({ id: budgets.id, d: budgets.budgetDuration, r: budgets.budgetResetAt })
    .from(budgets)
    .where(due(budgets))) {
    const resetAt = next(row.d, row.r);
    if (!resetAt) continue;
    await db.transaction(async (tx) => {
      const done = await tx
        .update(budgets)
        .set({ budgetResetAt: resetAt, updatedAt: sql`${budgets.updatedAt}` })
        .where(and(eq(budgets.id, row.id), sameReset(budgets.budgetResetAt, row.r)))
        .returning({ id: budgets.id });
      if (done.length === 0) return;
      counts.budgets++;
      await tx.update(organizations).set({ spend: 0 }).where(eq(organizations.budgetId, row.id));
      await tx.update(endUsers).set({ spend: 0 }).where(eq(endUsers.budgetId, row.id));
      await tx
        .update(teamMemberships)
        .set({ spend: 0 })
        .where(eq(teamMemberships.budgetId, row.id));
      await tx
        .update(virtualKeys)
        .set({ spend: 0 })
        .where(and(eq(virtualKeys.budgetId, row.id), isNull(virtualKeys.budgetDuration)));
    });
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

  const runOnce = (): Promise<BudgetResetCounts> => {
    running ??= resetDueBudgets(options.db, clock.now())
      .then(async (counts) => {
        if (counts.keys + counts.teams + counts.users + counts.budgets > 0) {
          await options.bus?.publish({ kind: "all" });
        }
        return counts;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
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
