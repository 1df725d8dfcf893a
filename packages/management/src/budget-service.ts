import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  endUsers,
  organizations,
  teamMemberships,
  virtualKeys,
  type DbClient,
} from "@org/db";
import { count, eq, inArray } from "drizzle-orm";
import { audit } from "./audit.ts";
import { actorOf, canReadAll, denied, requireProxyAdmin, type Caller } from "./caller.ts";
import { budgetColumns } from "./budget-columns.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import {
  BudgetInfoRequest,
  DeleteBudgetRequest,
  NewBudgetRequest,
  parse,
  UpdateBudgetRequest,
} from "./schemas.ts";
import { budgetJson } from "./serializers.ts";

/** LiteLLM's /budget/* endpoints: reusable limit sets. Proxy admins write. */
export function createBudgetService(deps: ResolvedDeps) {
  const { db, clock } = deps;

  /** `param` is the request field that named the budget. */
  const requireBudget = async (tx: DbClient, id: string, param: string) => {
    const [row] = await tx.select().from(budgets).where(eq(budgets.id, id)).limit(1);
    if (!row) throw new NotFoundError(`Budget not found: budget_id=${id}`, { param, code: "404" });
    return row;
  };

  return {
    async create(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "create budgets");
      const req = parse(NewBudgetRequest, body);
      const now = clock.now();
      return db.transaction(async (tx) => {
        if (req.budget_id) {
          const [exists] = await tx
            .select({ id: budgets.id })
            .from(budgets)
            .where(eq(budgets.id, req.budget_id));
          if (exists)
            throw new InvalidRequestError(`Budget id = ${req.budget_id} already exists`, {
              param: "budget_id",
              code: "400",
            });
        }
        const columns = budgetColumns(req, now);
        if (req.budget_reset_at) columns.budgetResetAt = new Date(req.budget_reset_at);
        const [row] = await tx
          .insert(budgets)
          .values({
            ...columns,
            ...(req.budget_id ? { id: req.budget_id } : {}),
            createdBy: actorOf(caller),
            updatedBy: actorOf(caller),
          })
          .returning();
        await audit(tx, caller, {
          action: "created",
          table: "budgets",
          objectId: row!.id,
          after: budgetJson(row),
        });
        return budgetJson(row)!;
      });
    },

    async update(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "update budgets");
      const req = parse(UpdateBudgetRequest, body);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const current = await requireBudget(tx, req.budget_id, "budget_id");
        const set = budgetColumns(req, now);
        const [row] = await tx
          .update(budgets)
          .set({ ...set, updatedBy: actorOf(caller) })
          .where(eq(budgets.id, current.id))
          .returning();
        await audit(tx, caller, {
          action: "updated",
          table: "budgets",
          objectId: current.id,
          before: budgetJson(current),
          after: set,
        });
        return row!;
      });
      // Many keys, teams, organizations and end users may share it.
      await deps.publish({ kind: "all" });
      return budgetJson(row)!;
    },

    /** POST /budget/delete `{id}`: refused while something still uses the budget. */
    async delete(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "delete budgets");
      const { id } = parse(DeleteBudgetRequest, body);
      const row = await db.transaction(async (tx) => {
        const current = await requireBudget(tx, id, "id");
        for (const [label, table] of [
          ["keys", virtualKeys],
          ["organizations", organizations],
          ["customers", endUsers],
          ["team memberships", teamMemberships],
        ] as const) {
          const [{ n }] = (await tx
            .select({ n: count() })
            .from(table)
            .where(eq(table.budgetId, id))) as [{ n: number }];
          if (n > 0) {
            throw new InvalidRequestError(
              `Budget ${id} is used by ${n} ${label}; deleting it would lift their limits. Move them to another budget first.`,
              { code: "400" },
            );
          }
        }
        await tx.delete(budgets).where(eq(budgets.id, id));
        await audit(tx, caller, {
          action: "deleted",
          table: "budgets",
          objectId: id,
          before: budgetJson(current),
        });
        return current;
      });
      return budgetJson(row)!;
    },

    /** POST /budget/info `{budgets: [...]}`. */
    async info(caller: Caller, body: unknown) {
      const req = parse(BudgetInfoRequest, body);
      if (!canReadAll(caller)) throw denied("Only admins can view budgets.");
      const rows = await db.select().from(budgets).where(inArray(budgets.id, req.budgets));
      return rows.map((b) => budgetJson(b)!);
    },

    async list(caller: Caller) {
      if (!canReadAll(caller)) throw denied("Only admins can list budgets.");
      return (await db.select().from(budgets).orderBy(budgets.createdAt)).map((b) =>
        budgetJson(b)!,
      );
    },
  };
}
