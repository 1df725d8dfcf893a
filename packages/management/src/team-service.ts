import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
  type NewTeam,
  type Team,
} from "@org/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { audit } from "./audit.ts";
import {
  actorOf,
  denied,
  deniedField,
  isProxyAdmin,
  requireWriter,
  type Caller,
} from "./caller.ts";
import { ADMIN_USER_ROLES, checkWithinOrganization } from "./key-permissions.ts";
import {
  membersOf,
  requireEmailUnused,
  requireReference,
  requireTeam,
  resetAtFor,
  teamRole,
  userByEmail,
} from "./lookups.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { retireKeys } from "./retire-keys.ts";
import {
  DeleteTeamRequest,
  NewTeamRequest,
  parse,
  TeamMemberAddRequest,
  TeamMemberDeleteRequest,
  TeamRef,
  UpdateTeamRequest,
  type Member,
} from "./schemas.ts";
import { budgetJson, keyJson, teamJson, userJson, type JsonObject } from "./serializers.ts";
import {
  authorizeCreate,
  checkMemberBudget,
  checkMemberBudgetLink,
  checkTeamUpdateFields,
  isTeamOwner,
  requireTeamAdmin,
  requireTeamRead,
  visibleTeams,
  type TeamInput,
} from "./team-access.ts";

/** LiteLLM's /team/* endpoints. Membership lives in team_memberships (role "admin" or "user"). */
export function createTeamService(deps: ResolvedDeps) {
  const { db, clock } = deps;

  const columnsFrom = (req: TeamInput, now: number): Partial<NewTeam> => {
    const set: Partial<NewTeam> = {};
    const has = (name: keyof TeamInput) => Object.hasOwn(req, name);
    if (has("team_alias")) set.teamAlias = req.team_alias ?? null;
    if (has("organization_id")) set.organizationId = req.organization_id ?? null;
    if (has("models")) set.models = req.models ?? [];
    if (has("max_budget")) set.maxBudget = req.max_budget ?? null;
    if (has("soft_budget")) set.softBudget = req.soft_budget ?? null;
    if (has("max_parallel_requests")) set.maxParallelRequests = req.max_parallel_requests ?? null;
    if (has("tpm_limit")) set.tpmLimit = req.tpm_limit ?? null;
    if (has("rpm_limit")) set.rpmLimit = req.rpm_limit ?? null;
    if (has("budget_duration")) {
      set.budgetDuration = req.budget_duration ?? null;
      set.budgetResetAt = resetAtFor(req.budget_duration, now);
    }
    if (has("blocked")) set.blocked = req.blocked ?? false;
    if (has("model_aliases")) set.modelAliases = req.model_aliases ?? {};
    if (has("model_max_budget")) set.modelMaxBudget = req.model_max_budget ?? {};
    return set;
  };

  /** Finds a member's user by id or email; creates the user when unknown (as LiteLLM does). */
  const resolveUser = async (tx: DbClient, member: Member): Promise<string> => {
    if (member.user_id) {
      // A new user's email must be no one else's (nor an existing user's changed by this).
      if (member.user_email) await requireEmailUnused(tx, member.user_email, member.user_id);
      await tx
        .insert(users)
        .values({
          id: member.user_id,
          ...(member.user_email ? { userEmail: member.user_email } : {}),
        })
        .onConflictDoNothing({ target: users.id });
      return member.user_id;
    }
    const found = await userByEmail(tx, member.user_email!);
    if (found) return found.id;
    // Locks the email: two member_adds at once do not both create a user with it.
    await requireEmailUnused(tx, member.user_email!);
    const [created] = await tx
      .insert(users)
      .values({ userEmail: member.user_email! })
      .returning({ id: users.id });
    return created!.id;
  };

  const teamMemberBudget = async (
    tx: DbClient,
    caller: Caller,
    team: Team,
    amount: number | null | undefined,
  ) => {
    if (amount == null) return undefined;
    const [row] = await tx
      .insert(budgets)
      .values({ maxBudget: amount, createdBy: actorOf(caller), updatedBy: actorOf(caller) })
      .returning({ id: budgets.id });
    await tx
      .update(teams)
      .set({ metadata: { ...team.metadata, team_member_budget_id: row!.id } })
      .where(eq(teams.id, team.id));
    return row!.id;
  };

  const addMembers = async (
    tx: DbClient,
    caller: Caller,
    team: Team,
    members: readonly Member[],
    maxBudgetInTeam: number | null | undefined,
  ) => {
    const added = [];
    const defaultBudget =
      typeof team.metadata.team_member_budget_id === "string"
        ? team.metadata.team_member_budget_id
        : null;
    for (const member of members) {
      const userId = await resolveUser(tx, member);
      if ((await teamRole(tx, team.id, userId)) !== undefined) {
        throw new InvalidRequestError(`User=${userId} is already a member of team=${team.id}`, {
          param: "member",
          code: "team_member_already_in_team",
        });
      }
      let budgetId = defaultBudget;
      if (maxBudgetInTeam != null) {
        const [row] = await tx
          .insert(budgets)
          .values({
            maxBudget: maxBudgetInTeam,
            createdBy: actorOf(caller),
            updatedBy: actorOf(caller),
          })
          .returning({ id: budgets.id });
        budgetId = row!.id;
      }
      const [membership] = await tx
        .insert(teamMemberships)
        .values({ teamId: team.id, userId, role: member.role, budgetId })
        .returning();
      added.push(membership!);
    }
    return added;
  };

  const render = async (tx: DbClient, team: Team) =>
    teamJson(team, (await membersOf(tx, [team.id])).get(team.id));

  return {
    /** POST /team/new. */
    async create(caller: Caller, body: unknown) {
      const req = parse(NewTeamRequest, body);
      const organizationId = authorizeCreate(caller, req);
      checkMemberBudgetLink(caller, undefined, req.metadata);
      const now = clock.now();
      const response = await db.transaction(async (tx) => {
        await checkWithinOrganization(tx, caller, organizationId, req);
        if (req.team_id) {
          const [exists] = await tx
            .select({ id: teams.id })
            .from(teams)
            .where(eq(teams.id, req.team_id));
          if (exists)
            throw new InvalidRequestError(
              `Team id = ${req.team_id} already exists. Please use a different team id.`,
              { param: "team_id", code: "400" },
            );
        }
        if (organizationId) await requireReference(tx, "organization_id", organizationId);
        const metadata = {
          ...(req.metadata ?? {}),
          ...(req.tags ? { tags: req.tags } : {}),
          ...(req.guardrails ? { guardrails: req.guardrails } : {}),
          ...(req.team_member_key_duration
            ? { team_member_key_duration: req.team_member_key_duration }
            : {}),
        };
        const [team] = await tx
          .insert(teams)
          .values({
            ...columnsFrom(req, now),
            ...(req.team_id ? { id: req.team_id } : {}),
            organizationId: organizationId ?? null,
            metadata,
          })
          .returning();
        const memberBudgetId = await teamMemberBudget(tx, caller, team!, req.team_member_budget);
        const current = memberBudgetId
          ? { ...team!, metadata: { ...metadata, team_member_budget_id: memberBudgetId } }
          : team!;
        await addMembers(tx, caller, current, req.members_with_roles ?? [], undefined);
        await audit(tx, caller, {
          action: "created",
          table: "teams",
          objectId: current.id,
          after: teamJson(current),
        });
        return render(tx, current);
      });
      return response;
    },

    /** POST /team/update -> `{team_id, data}`. */
    async update(caller: Caller, body: unknown) {
      const req = parse(UpdateTeamRequest, body);
      const now = clock.now();
      const team = await db.transaction(async (tx) => {
        const current = await requireTeam(tx, req.team_id);
        await requireTeamAdmin(tx, caller, current, "update this team");
        checkTeamUpdateFields(caller, current, req);
        checkMemberBudgetLink(caller, current, req.metadata);
        await checkWithinOrganization(tx, caller, current.organizationId, req);
        if (req.organization_id) await requireReference(tx, "organization_id", req.organization_id);
        const set = columnsFrom(req, now);
        if (Object.hasOwn(req, "metadata") || req.tags || req.guardrails) {
          set.metadata = {
            ...(Object.hasOwn(req, "metadata") ? (req.metadata ?? {}) : current.metadata),
            ...(req.tags ? { tags: req.tags } : {}),
            ...(req.guardrails ? { guardrails: req.guardrails } : {}),
            ...(typeof current.metadata.team_member_budget_id === "string"
              ? { team_member_budget_id: current.metadata.team_member_budget_id }
              : {}),
          };
        }
        // Nothing to change (only unknown fields, which are dropped): answer as is.
        const [updated] =
          Object.keys(set).length === 0
            ? [current]
            : await tx.update(teams).set(set).where(eq(teams.id, current.id)).returning();
        let team = updated!;
        if (Object.hasOwn(req, "team_member_budget")) {
          const existing = team.metadata.team_member_budget_id;
          if (typeof existing === "string") {
            await tx
              .update(budgets)
              .set({ maxBudget: req.team_member_budget ?? null })
              .where(eq(budgets.id, existing));
          } else {
            const id = await teamMemberBudget(tx, caller, team, req.team_member_budget);
            if (id) {
              await tx
                .update(teamMemberships)
                .set({ budgetId: id })
                .where(and(eq(teamMemberships.teamId, team.id), isNull(teamMemberships.budgetId)));
              team = await requireTeam(tx, team.id);
            }
          }
        }
        await audit(tx, caller, {
          action: "updated",
          table: "teams",
          objectId: current.id,
          before: teamJson(current),
          after: set,
        });
        return team;
      });
      await deps.publish({ kind: "all" });
      return { team_id: team.id, data: await render(db, team) };
    },

    /** POST /team/delete `{team_ids}`: the teams, their memberships and their keys. */
    async delete(caller: Caller, body: unknown) {
      const req = parse(DeleteTeamRequest, body);
      requireWriter(caller, "delete teams");
      await db.transaction(async (tx) => {
        for (const id of req.team_ids) {
          const team = await requireTeam(tx, id, "team_ids");
          if (!isTeamOwner(caller, team.organizationId))
            throw denied(`You are not allowed to delete team ${id}.`);
          await retireKeys(tx, caller, eq(virtualKeys.teamId, id));
          await tx.delete(teams).where(eq(teams.id, id));
          await audit(tx, caller, {
            action: "deleted",
            table: "teams",
            objectId: id,
            before: teamJson(team),
          });
        }
      });
      await deps.publish({ kind: "all" });
      return { deleted_teams: req.team_ids };
    },

    /** GET /team/info?team_id= -> `{team_id, team_info, keys, team_memberships}`. */
    async info(caller: Caller, query: unknown) {
      const { team_id } = parse(TeamRef, query);
      const team = await requireTeam(db, team_id);
      await requireTeamRead(db, caller, team);
      const keys = await db.select().from(virtualKeys).where(eq(virtualKeys.teamId, team.id));
      const memberships = await db
        .select({ m: teamMemberships, b: budgets })
        .from(teamMemberships)
        .leftJoin(budgets, eq(budgets.id, teamMemberships.budgetId))
        .where(eq(teamMemberships.teamId, team.id));
      return {
        team_id: team.id,
        team_info: await render(db, team),
        keys: keys.map((k) => keyJson(k)),
        team_memberships: memberships.map(({ m, b }) => ({
          team_id: m.teamId,
          user_id: m.userId,
          role: m.role,
          spend: m.spend,
          budget_id: m.budgetId,
          litellm_budget_table: budgetJson(b),
        })),
      };
    },

    /** GET /team/list: every team for admins; the caller's teams for others. */
    async list(caller: Caller, query: { user_id?: string; organization_id?: string } = {}) {
      const rows = await visibleTeams(db, caller);
      const members = await membersOf(
        db,
        rows.map((t) => t.id),
      );
      return rows
        .filter((t) => !query.organization_id || t.organizationId === query.organization_id)
        .filter(
          (t) =>
            !query.user_id || (members.get(t.id) ?? []).some((m) => m.user_id === query.user_id),
        )
        .map((t) => teamJson(t, members.get(t.id)));
    },

    /** POST /team/member_add `{team_id, member, max_budget_in_team}`. */
    async memberAdd(
      caller: Caller,
      body: unknown,
    ): Promise<JsonObject & { updated_team_memberships: JsonObject[] }> {
      const req = parse(TeamMemberAddRequest, body);
      const members = Array.isArray(req.member) ? req.member : [req.member];
      const result = await db.transaction(async (tx) => {
        const team = await requireTeam(tx, req.team_id);
        await requireTeamAdmin(tx, caller, team, "add members");
        checkMemberBudget(caller, team, req.max_budget_in_team);
        const added = await addMembers(tx, caller, team, members, req.max_budget_in_team);
        await audit(tx, caller, {
          action: "member_added",
          table: "teams",
          objectId: team.id,
          after: { members },
        });
        const updatedUsers = await tx
          .select()
          .from(users)
          .where(
            inArray(
              users.id,
              added.map((m) => m.userId),
            ),
          );
        const memberBudgets = await tx
          .select()
          .from(budgets)
          .where(
            inArray(budgets.id, ["", ...added.flatMap((m) => (m.budgetId ? [m.budgetId] : []))]),
          );
        return {
          ...(await render(tx, team)),
          updated_users: updatedUsers.map((u) => userJson(u, [team.id])),
          updated_team_memberships: added.map((m) => ({
            team_id: m.teamId,
            user_id: m.userId,
            budget_id: m.budgetId,
            spend: m.spend,
            litellm_budget_table: budgetJson(memberBudgets.find((b) => b.id === m.budgetId)),
          })),
        };
      });
      await deps.publish({ kind: "all" });
      return result;
    },

    /** POST /team/member_delete `{team_id, user_id | user_email}`: also deletes their keys in the team. */
    async memberDelete(caller: Caller, body: unknown) {
      const req = parse(TeamMemberDeleteRequest, body);
      const team = await db.transaction(async (tx) => {
        const team = await requireTeam(tx, req.team_id);
        await requireTeamAdmin(tx, caller, team, "remove members");
        let userId = req.user_id ?? undefined;
        if (!userId) {
          userId = (await userByEmail(tx, req.user_email!))?.id;
        }
        if (!userId || (await teamRole(tx, team.id, userId)) === undefined) {
          throw new NotFoundError(`User is not a member of team ${team.id}`, {
            param: req.user_id ? "user_id" : "user_email",
            code: "404",
          });
        }
        // Their keys in the team go with them, and an admin user's keys are a proxy admin's.
        if (!isProxyAdmin(caller) && userId !== caller.userId) {
          const [member] = await tx
            .select({ role: users.userRole })
            .from(users)
            .where(eq(users.id, userId));
          if (member && ADMIN_USER_ROLES.has(member.role))
            throw deniedField(
              req.user_id ? "user_id" : "user_email",
              `Only proxy admins can remove ${userId} (${member.role}) from a team: their keys in it would be deleted.`,
            );
        }
        await retireKeys(
          tx,
          caller,
          and(eq(virtualKeys.teamId, team.id), eq(virtualKeys.userId, userId))!,
        );
        await tx
          .delete(teamMemberships)
          .where(and(eq(teamMemberships.teamId, team.id), eq(teamMemberships.userId, userId)));
        await audit(tx, caller, {
          action: "member_deleted",
          table: "teams",
          objectId: team.id,
          after: { user_id: userId },
        });
        return team;
      });
      await deps.publish({ kind: "all" });
      return render(db, team);
    },

    /** POST /team/block and /team/unblock `{team_id}`. */
    async setBlocked(caller: Caller, body: unknown, blocked: boolean) {
      const { team_id } = parse(TeamRef, body);
      const team = await db.transaction(async (tx) => {
        const current = await requireTeam(tx, team_id);
        requireWriter(caller, "block teams");
        if (!isTeamOwner(caller, current.organizationId))
          throw denied("Only proxy admins and org admins can block teams.");
        const [row] = await tx
          .update(teams)
          .set({ blocked })
          .where(eq(teams.id, team_id))
          .returning();
        await audit(tx, caller, {
          action: blocked ? "blocked" : "unblocked",
          table: "teams",
          objectId: team_id,
          after: { blocked },
        });
        return row!;
      });
      await deps.publish({ kind: "all" });
      return render(db, team);
    },
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
