import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  organizationMemberships,
  organizations,
  teams,
  users,
  virtualKeys,
  type Budget,
  type DbClient,
  type Organization,
} from "@org/db";
import { count, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "./audit.ts";
import { idText } from "./field-bounds.ts";
import { actorOf, canReadAll, denied, requireProxyAdmin, type Caller } from "./caller.ts";
import { membersOf, requireReference, resetAtFor } from "./lookups.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import {
  DeleteOrganizationRequest,
  NewOrganizationRequest,
  parse,
  UpdateOrganizationRequest,
} from "./schemas.ts";
import { organizationJson, organizationMembershipJson, teamJson, userJson } from "./serializers.ts";
import { budgetColumns, type LimitInput } from "./budget-columns.ts";

const OrganizationRef = z.object({ organization_id: idText() });

/** LiteLLM's /organization/* endpoints. An organization's limits live in its budget row. */
export function createOrganizationService(deps: ResolvedDeps) {
  const { db, clock } = deps;

  /** `param` is the request field that named the organization. */
  const requireOrganization = async (
    tx: DbClient,
    id: string,
    param = "organization_id",
  ): Promise<Organization> => {
    const [row] = await tx.select().from(organizations).where(eq(organizations.id, id)).limit(1);
    if (!row)
      throw new NotFoundError(`Organization not found: organization_id=${id}`, {
        param,
        code: "404",
      });
    return row;
  };
  const budgetOf = async (tx: DbClient, id: string | null): Promise<Budget | undefined> =>
    id ? (await tx.select().from(budgets).where(eq(budgets.id, id)))[0] : undefined;

  return {
    /** POST /organization/new (proxy admins). */
    async create(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "create organizations");
      const req = parse(NewOrganizationRequest, body);
      const now = clock.now();
      return db.transaction(async (tx) => {
        if (req.organization_id) {
          const [exists] = await tx
            .select({ id: organizations.id })
            .from(organizations)
            .where(eq(organizations.id, req.organization_id));
          if (exists)
            throw new InvalidRequestError(
              `Organization id = ${req.organization_id} already exists`,
              { param: "organization_id", code: "400" },
            );
        }
        let budgetId = req.budget_id ?? null;
        if (budgetId) await requireReference(tx, "budget_id", budgetId);
        else {
          const [b] = await tx
            .insert(budgets)
            .values({
              ...budgetColumns(req, now),
              createdBy: actorOf(caller),
              updatedBy: actorOf(caller),
            })
            .returning({ id: budgets.id });
          budgetId = b!.id;
        }
        const [row] = await tx
          .insert(organizations)
          .values({
            ...(req.organization_id ? { id: req.organization_id } : {}),
            organizationAlias: req.organization_alias,
            budgetId,
            models: req.models ?? [],
            metadata: req.metadata ?? {},
            createdBy: actorOf(caller),
            updatedBy: actorOf(caller),
          })
          .returning();
        await audit(tx, caller, {
          action: "created",
          table: "organizations",
          objectId: row!.id,
          after: organizationJson(row!),
        });
        return organizationJson(row!, await budgetOf(tx, budgetId));
      });
    },

    /** PATCH /organization/update (proxy admins). */
    async update(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "update organizations");
      const req = parse(UpdateOrganizationRequest, body);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const current = await requireOrganization(tx, req.organization_id);
        if (req.budget_id) await requireReference(tx, "budget_id", req.budget_id);
        const set: Partial<Organization> = { updatedBy: actorOf(caller) };
        if (req.organization_alias) set.organizationAlias = req.organization_alias;
        if (Object.hasOwn(req, "models")) set.models = req.models ?? [];
        if (Object.hasOwn(req, "metadata")) set.metadata = req.metadata ?? {};
        if (Object.hasOwn(req, "spend")) set.spend = req.spend ?? 0;
        if (Object.hasOwn(req, "budget_id")) set.budgetId = req.budget_id ?? null;
        const limits = budgetColumns(req as LimitInput, now);
        const budgetId = set.budgetId === undefined ? current.budgetId : set.budgetId;
        if (Object.keys(limits).length > 0) {
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
        const [row] = await tx
          .update(organizations)
          .set(set)
          .where(eq(organizations.id, current.id))
          .returning();
        await audit(tx, caller, {
          action: "updated",
          table: "organizations",
          objectId: current.id,
          before: organizationJson(current),
          after: { ...set, ...limits },
        });
        return row!;
      });
      if (Object.hasOwn(req, "spend")) await deps.setSpend(`o:${row.id}`, Number(row.spend));
      await deps.publish({ kind: "all" });
      return organizationJson(row, await budgetOf(db, row.budgetId));
    },

    /** DELETE /organization/delete `{organization_ids}`: refused while teams, users or keys belong to one. */
    async delete(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "delete organizations");
      const req = parse(DeleteOrganizationRequest, body);
      const deleted = await db.transaction(async (tx) => {
        const out = [];
        for (const id of req.organization_ids) {
          const org = await requireOrganization(tx, id, "organization_ids");
          for (const [label, table] of [
            ["teams", teams],
            ["users", users],
            ["keys", virtualKeys],
          ] as const) {
            const [{ n }] = (await tx
              .select({ n: count() })
              .from(table)
              .where(eq(table.organizationId, id))) as [{ n: number }];
            if (n > 0) {
              throw new InvalidRequestError(
                `Organization ${id} still has ${n} ${label}; delete them or move them to another organization first.`,
                { code: "400" },
              );
            }
          }
          await tx.delete(organizations).where(eq(organizations.id, id));
          await audit(tx, caller, {
            action: "deleted",
            table: "organizations",
            objectId: id,
            before: organizationJson(org),
          });
          out.push(organizationJson(org));
        }
        return out;
      });
      await deps.publish({ kind: "all" });
      return deleted;
    },

    /** GET /organization/info?organization_id= : the organization with its teams and members. */
    async info(caller: Caller, query: unknown) {
      const { organization_id } = parse(OrganizationRef, query);
      const org = await requireOrganization(db, organization_id);
      if (!canReadAll(caller) && caller.organizationId !== org.id)
        throw denied("You are not a member of this organization.");
      const teamRows = await db.select().from(teams).where(eq(teams.organizationId, org.id));
      const members = await membersOf(
        db,
        teamRows.map((t) => t.id),
      );
      const memberships = await db
        .select({ m: organizationMemberships, u: users, b: budgets })
        .from(organizationMemberships)
        .innerJoin(users, eq(users.id, organizationMemberships.userId))
        .leftJoin(budgets, eq(budgets.id, organizationMemberships.budgetId))
        .where(eq(organizationMemberships.organizationId, org.id))
        .orderBy(organizationMemberships.createdAt);
      // Users placed in the organization without a membership row (by /user/new before
      // memberships existed, or /user/update) are members too.
      const listed = new Set(memberships.map(({ m }) => m.userId));
      const userRows = await db.select().from(users).where(eq(users.organizationId, org.id));
      return {
        ...organizationJson(org, await budgetOf(db, org.budgetId)),
        teams: teamRows.map((t) => teamJson(t, members.get(t.id))),
        members: [
          ...memberships.map(({ m, u, b }) => ({
            ...organizationMembershipJson(m, u, b),
            user_email: u.userEmail,
          })),
          ...userRows
            .filter((u) => !listed.has(u.id))
            .map((u) => ({
              user_id: u.id,
              organization_id: org.id,
              user_role: u.userRole,
              user_email: u.userEmail,
              spend: 0,
              budget_id: null,
              user: userJson(u),
              litellm_budget_table: null,
            })),
        ],
      };
    },

    /** GET /organization/list. */
    async list(caller: Caller) {
      const rows = canReadAll(caller)
        ? await db
            .select({ o: organizations, b: budgets })
            .from(organizations)
            .leftJoin(budgets, eq(budgets.id, organizations.budgetId))
            .orderBy(organizations.createdAt)
        : caller.organizationId
          ? await db
              .select({ o: organizations, b: budgets })
              .from(organizations)
              .leftJoin(budgets, eq(budgets.id, organizations.budgetId))
              .where(eq(organizations.id, caller.organizationId))
          : [];
      return rows.map(({ o, b }) => organizationJson(o, b));
    },
  };
}
