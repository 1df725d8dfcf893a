import { InvalidRequestError, NotFoundError } from "@org/core";
import { budgets, endUsers, type Budget, type DbClient, type EndUser } from "@org/db";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { audit } from "./audit.ts";
import { idText } from "./field-bounds.ts";
import { actorOf, canReadAll, denied, requireProxyAdmin, type Caller } from "./caller.ts";
import { budgetColumns } from "./budget-columns.ts";
import { requireReference } from "./lookups.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { CustomerIds, NewCustomerRequest, parse, UpdateCustomerRequest } from "./schemas.ts";
import { customerJson } from "./serializers.ts";

const CustomerRef = z.object({ end_user_id: idText() });

/** LiteLLM's /customer/* endpoints: end users, the `user` field of requests. Proxy admins write. */
export function createCustomerService(deps: ResolvedDeps) {
  const { db, clock } = deps;

  /** `param` is the request field that named the customer. */
  const requireCustomer = async (tx: DbClient, id: string, param: string): Promise<EndUser> => {
    const [row] = await tx.select().from(endUsers).where(eq(endUsers.id, id)).limit(1);
    if (!row)
      throw new NotFoundError(`Customer not found: end_user_id=${id}`, { param, code: "404" });
    return row;
  };
  const budgetOf = async (tx: DbClient, id: string | null): Promise<Budget | undefined> =>
    id ? (await tx.select().from(budgets).where(eq(budgets.id, id)))[0] : undefined;

  const setBlocked = async (caller: Caller, body: unknown, blocked: boolean) => {
    requireProxyAdmin(caller, blocked ? "block customers" : "unblock customers");
    const { user_ids } = parse(CustomerIds, body);
    await db.transaction(async (tx) => {
      // Blocking an end user never seen before creates them, blocked (LiteLLM upserts).
      await tx
        .insert(endUsers)
        .values(user_ids.map((id) => ({ id, blocked })))
        .onConflictDoUpdate({ target: endUsers.id, set: { blocked } });
      for (const id of user_ids) {
        await audit(tx, caller, {
          action: blocked ? "blocked" : "unblocked",
          table: "end_users",
          objectId: id,
          after: { blocked },
        });
      }
    });
    for (const id of user_ids) await deps.publish({ kind: "end_user", id });
    return blocked ? { blocked_users: user_ids } : { unblocked_users: user_ids };
  };

  return {
    /** POST /customer/new: the end user, with a budget row when limits are given. */
    async create(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "create customers");
      const req = parse(NewCustomerRequest, body);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [exists] = await tx
          .select({ id: endUsers.id })
          .from(endUsers)
          .where(eq(endUsers.id, req.user_id));
        if (exists)
          throw new InvalidRequestError(`Customer with user_id=${req.user_id} already exists`, {
            param: "user_id",
            code: "400",
          });
        let budgetId = req.budget_id ?? null;
        if (budgetId) await requireReference(tx, "budget_id", budgetId);
        const limits = budgetColumns(req, now);
        if (!budgetId && Object.values(limits).some((v) => v !== null && v !== undefined)) {
          const [b] = await tx
            .insert(budgets)
            .values({ ...limits, createdBy: actorOf(caller) })
            .returning({ id: budgets.id });
          budgetId = b!.id;
        }
        const [row] = await tx
          .insert(endUsers)
          .values({
            id: req.user_id,
            alias: req.alias ?? null,
            blocked: req.blocked,
            budgetId,
            spend: req.spend ?? 0,
            allowedModelRegion: req.allowed_model_region ?? null,
            defaultModel: req.default_model ?? null,
          })
          .returning();
        await audit(tx, caller, {
          action: "created",
          table: "end_users",
          objectId: req.user_id,
          after: customerJson(row!),
        });
        return row!;
      });
      await deps.publish({ kind: "end_user", id: row.id });
      return customerJson(row, await budgetOf(db, row.budgetId));
    },

    /** POST /customer/update. */
    async update(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "update customers");
      const req = parse(UpdateCustomerRequest, body);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const current = await requireCustomer(tx, req.user_id, "user_id");
        const set: Partial<EndUser> = {};
        if (Object.hasOwn(req, "alias")) set.alias = req.alias ?? null;
        if (req.blocked != null) set.blocked = req.blocked;
        if (Object.hasOwn(req, "allowed_model_region"))
          set.allowedModelRegion = req.allowed_model_region ?? null;
        if (Object.hasOwn(req, "default_model")) set.defaultModel = req.default_model ?? null;
        if (Object.hasOwn(req, "budget_id")) {
          if (req.budget_id) await requireReference(tx, "budget_id", req.budget_id);
          set.budgetId = req.budget_id ?? null;
        }
        const limits = budgetColumns(req, now);
        if (Object.keys(limits).length > 0) {
          const budgetId = set.budgetId === undefined ? current.budgetId : set.budgetId;
          if (budgetId)
            await tx
              .update(budgets)
              .set({ ...limits, updatedBy: actorOf(caller) })
              .where(eq(budgets.id, budgetId));
          else {
            const [b] = await tx
              .insert(budgets)
              .values({ ...limits, createdBy: actorOf(caller) })
              .returning({ id: budgets.id });
            set.budgetId = b!.id;
          }
        }
        // Nothing to change on the row itself (only limits, or no field at all): keep it.
        const [row] =
          Object.keys(set).length === 0
            ? [current]
            : await tx.update(endUsers).set(set).where(eq(endUsers.id, current.id)).returning();
        await audit(tx, caller, {
          action: "updated",
          table: "end_users",
          objectId: current.id,
          before: customerJson(current),
          after: { ...set, ...limits },
        });
        return row!;
      });
      await deps.publish({ kind: "end_user", id: row.id });
      return customerJson(row, await budgetOf(db, row.budgetId));
    },

    /** POST /customer/delete `{user_ids}`. */
    async delete(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "delete customers");
      const { user_ids } = parse(CustomerIds, body);
      await db.transaction(async (tx) => {
        const found = await tx.select().from(endUsers).where(inArray(endUsers.id, user_ids));
        const missing = user_ids.filter((id) => !found.some((e) => e.id === id));
        if (missing.length > 0)
          throw new NotFoundError(
            `Customers not found, nothing was deleted: ${missing.join(", ")}`,
            { param: "user_ids", code: "404" },
          );
        await tx.delete(endUsers).where(inArray(endUsers.id, user_ids));
        for (const e of found)
          await audit(tx, caller, {
            action: "deleted",
            table: "end_users",
            objectId: e.id,
            before: customerJson(e),
          });
      });
      for (const id of user_ids) await deps.publish({ kind: "end_user", id });
      await deps.forget(user_ids.map((id) => `e:${id}`));
      return { deleted_customers: user_ids };
    },

    /** GET /customer/info?end_user_id=. */
    async info(caller: Caller, query: unknown) {
      const { end_user_id } = parse(CustomerRef, query);
      if (!canReadAll(caller)) throw denied("Only admins can view customers.");
      const row = await requireCustomer(db, end_user_id, "end_user_id");
      return customerJson(row, await budgetOf(db, row.budgetId));
    },

    /** GET /customer/list. */
    async list(caller: Caller) {
      if (!canReadAll(caller)) throw denied("Only admins can list customers.");
      const rows = await db
        .select({ e: endUsers, b: budgets })
        .from(endUsers)
        .leftJoin(budgets, eq(budgets.id, endUsers.budgetId))
        .orderBy(endUsers.createdAt);
      return rows.map(({ e, b }) => customerJson(e, b));
    },

    block: (caller: Caller, body: unknown) => setBlocked(caller, body, true),
    unblock: (caller: Caller, body: unknown) => setBlocked(caller, body, false),
  };
}
