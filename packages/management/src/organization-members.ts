import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  organizationMemberships,
  organizations,
  users,
  type DbClient,
  type OrganizationMembership,
  type User,
} from "@org/db";
import { and, eq, inArray } from "drizzle-orm";
import { audit } from "./audit.ts";
import {
  actorOf,
  denied,
  deniedField,
  isProxyAdmin,
  requireWriter,
  type Caller,
} from "./caller.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { requireEmailUnused, userByEmail } from "./lookups.ts";
import { OrganizationMemberAddRequest, parse, type OrganizationMember } from "./schemas.ts";
import { organizationMembershipJson, userJson } from "./serializers.ts";

/** Global roles a membership must never overwrite: admins stay admins. */
const PROXY_ROLES = new Set(["proxy_admin", "proxy_admin_viewer"]);

/**
 * Organization membership (LiteLLM_OrganizationMembership). A user may belong to several
 * organizations; `users.organization_id` is the one their keys act for, so a member added to
 * an organization while they have none gets it as theirs, and their role in it becomes their
 * role (`org_admin` lets them manage its teams and users). Membership in another organization
 * is recorded without changing what they may do.
 */
export function createOrganizationMembers(deps: ResolvedDeps) {
  const { db } = deps;

  /** Proxy admins, and org admins of this organization (by their user or a membership row). */
  const requireOrganizationAdmin = async (tx: DbClient, caller: Caller, organizationId: string) => {
    requireWriter(caller, "add organization members");
    if (isProxyAdmin(caller)) return;
    if (caller.role === "org_admin" && caller.organizationId === organizationId) return;
    if (caller.userId) {
      const [membership] = await tx
        .select({ role: organizationMemberships.userRole })
        .from(organizationMemberships)
        .where(
          and(
            eq(organizationMemberships.organizationId, organizationId),
            eq(organizationMemberships.userId, caller.userId),
          ),
        );
      if (membership?.role === "org_admin") return;
    }
    throw denied(
      `Only proxy admins and admins of organization ${organizationId} can add its members.`,
    );
  };

  /** The member's user, found by id or email; created when unknown (as LiteLLM does). */
  const resolveUser = async (
    tx: DbClient,
    member: OrganizationMember,
    organizationId: string,
  ): Promise<User> => {
    const found = member.user_id
      ? (await tx.select().from(users).where(eq(users.id, member.user_id)).limit(1))[0]
      : await userByEmail(tx, member.user_email!);
    if (found) return found;
    if (member.user_email) await requireEmailUnused(tx, member.user_email);
    const [created] = await tx
      .insert(users)
      .values({
        ...(member.user_id ? { id: member.user_id } : {}),
        ...(member.user_email ? { userEmail: member.user_email } : {}),
        userRole: member.role,
        organizationId,
      })
      .returning();
    return created!;
  };

  return {
    /**
     * POST /organization/member_add `{organization_id, member: {role, user_id | user_email} |
     * [...], max_budget_in_organization?}` -> `{organization_id, updated_users,
     * updated_organization_memberships}`. All members or none.
     */
    async memberAdd(caller: Caller, body: unknown) {
      const req = parse(OrganizationMemberAddRequest, body);
      const members = Array.isArray(req.member) ? req.member : [req.member];
      const result = await db.transaction(async (tx) => {
        const [organization] = await tx
          .select({ id: organizations.id })
          .from(organizations)
          .where(eq(organizations.id, req.organization_id));
        if (!organization) {
          throw new NotFoundError(
            `Organization not found: organization_id=${req.organization_id}`,
            {
              param: "organization_id",
              code: "404",
            },
          );
        }
        await requireOrganizationAdmin(tx, caller, organization.id);
        if (!isProxyAdmin(caller) && members.some((m) => m.role === "org_admin")) {
          // Org admins may add members but not make more admins: that stays a proxy admin's call.
          throw deniedField("member", "Only proxy admins can add organization admins.");
        }
        const updatedUsers: User[] = [];
        const memberships: OrganizationMembership[] = [];
        for (const member of members) {
          let user = await resolveUser(tx, member, organization.id);
          const [existing] = await tx
            .select({ userId: organizationMemberships.userId })
            .from(organizationMemberships)
            .where(
              and(
                eq(organizationMemberships.organizationId, organization.id),
                eq(organizationMemberships.userId, user.id),
              ),
            );
          if (existing) {
            throw new InvalidRequestError(
              `User=${user.id} is already a member of organization=${organization.id}`,
              { param: "member", code: "400" },
            );
          }
          const primary = user.organizationId ?? organization.id;
          if (primary === organization.id) {
            const set: Partial<User> = {};
            if (user.organizationId === null) set.organizationId = organization.id;
            if (!PROXY_ROLES.has(user.userRole) && user.userRole !== member.role)
              set.userRole = member.role;
            if (Object.keys(set).length > 0) {
              const [updated] = await tx
                .update(users)
                .set(set)
                .where(eq(users.id, user.id))
                .returning();
              user = updated!;
            }
          }
          let budgetId: string | null = null;
          if (req.max_budget_in_organization != null) {
            const [budget] = await tx
              .insert(budgets)
              .values({
                maxBudget: req.max_budget_in_organization,
                createdBy: actorOf(caller),
                updatedBy: actorOf(caller),
              })
              .returning({ id: budgets.id });
            budgetId = budget!.id;
          }
          const [membership] = await tx
            .insert(organizationMemberships)
            .values({
              organizationId: organization.id,
              userId: user.id,
              userRole: member.role,
              budgetId,
            })
            .returning();
          updatedUsers.push(user);
          memberships.push(membership!);
        }
        await audit(tx, caller, {
          action: "member_added",
          table: "organizations",
          objectId: organization.id,
          after: { members, max_budget_in_organization: req.max_budget_in_organization ?? null },
        });
        const budgetIds = memberships.flatMap((m) => (m.budgetId ? [m.budgetId] : []));
        const budgetRows = new Map(
          (budgetIds.length
            ? await tx.select().from(budgets).where(inArray(budgets.id, budgetIds))
            : []
          ).map((b) => [b.id, b] as const),
        );
        return {
          organization_id: organization.id,
          updated_users: updatedUsers.map((u) => userJson(u)),
          updated_organization_memberships: memberships.map((m) =>
            organizationMembershipJson(
              m,
              undefined,
              m.budgetId ? budgetRows.get(m.budgetId) : null,
            ),
          ),
        };
      });
      // Roles and organizations are part of cached key identities.
      await deps.publish({ kind: "all" });
      return result;
    },
  };
}
