import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  organizationMemberships,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
  type NewUser,
  type User,
} from "@org/db";
import { and, count, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import { audit } from "./audit.ts";
import {
  canReadAll,
  denied,
  deniedField,
  isProxyAdmin,
  requireWriter,
  type Caller,
} from "./caller.ts";
import type { KeyService } from "./key-service.ts";
import { checkWithinOrganization } from "./key-permissions.ts";
import {
  membersOf,
  requireEmailUnused,
  requireReference,
  resetAtFor,
  userByEmail,
} from "./lookups.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { retireKeys } from "./retire-keys.ts";
import {
  DeleteUserRequest,
  NewUserRequest,
  ORGANIZATION_ROLES,
  parse,
  UpdateUserRequest,
} from "./schemas.ts";
import { keyJson, teamJson, userJson, type JsonObject } from "./serializers.ts";
import { hashPassword, verifyPassword } from "./password.ts";

type UserInput = Partial<
  Omit<z.output<typeof UpdateUserRequest>, "user_id" | "password" | "current_password">
>;

const UserRef = z.object({ user_id: z.string().min(1) });
const ListUsersQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(1000).default(25),
  role: z.string().optional(),
  user_ids: z.string().optional(),
  organization_id: z.string().optional(),
});

/** Roles an org admin may create or give (below their own). */
export const ORG_ADMIN_ASSIGNABLE_ROLES: readonly string[] = [
  "internal_user",
  "internal_user_viewer",
];

/**
 * What a user may change on their own user (not their role, limits, models or organization, nor
 * their email: lookups by email (team and organization member_add) would find them under an
 * email they chose; `user_email` is allowed only to name the user or repeat their own).
 * `current_password` is required with `password` when they have one (see update).
 */
const SELF_USER_FIELDS = new Set([
  "user_id",
  "user_email",
  "user_alias",
  "password",
  "current_password",
  "metadata",
]);

/**
 * To a caller who may not read every user, a user that does not exist is refused exactly as
 * another user's is (the same 403 and message), as key-service's keyFor does for keys: a 404
 * would tell them which user ids and emails exist.
 */
const notYoursOrMissing = (action: string) =>
  denied(`You are not allowed to ${action} this user (it is not yours, or it does not exist).`);

/** LiteLLM's /user/* endpoints. */
export function createUserService(deps: ResolvedDeps, keys: KeyService) {
  const { db, clock } = deps;

  const columnsFrom = (req: UserInput, now: number): Partial<NewUser> => {
    const set: Partial<NewUser> = {};
    const has = (name: keyof UserInput) => Object.hasOwn(req, name);
    if (has("user_email")) set.userEmail = req.user_email ?? null;
    if (has("user_alias")) set.userAlias = req.user_alias ?? null;
    if (has("user_role") && req.user_role) set.userRole = req.user_role;
    if (has("models")) set.models = req.models ?? [];
    if (has("spend")) set.spend = req.spend ?? 0;
    if (has("metadata")) set.metadata = req.metadata ?? {};
    if (has("organization_id")) set.organizationId = req.organization_id ?? null;
    if (has("allowed_cache_controls")) set.allowedCacheControls = req.allowed_cache_controls ?? [];
    if (has("max_budget")) set.maxBudget = req.max_budget ?? null;
    if (has("max_parallel_requests")) set.maxParallelRequests = req.max_parallel_requests ?? null;
    if (has("tpm_limit")) set.tpmLimit = req.tpm_limit ?? null;
    if (has("rpm_limit")) set.rpmLimit = req.rpm_limit ?? null;
    if (has("model_max_budget")) set.modelMaxBudget = req.model_max_budget ?? {};
    if (has("budget_duration")) {
      set.budgetDuration = req.budget_duration ?? null;
      set.budgetResetAt = resetAtFor(req.budget_duration, now);
    }
    return set;
  };

  /** `param` is the request field that named the user. */
  const requireUser = async (
    tx: DbClient,
    where: SQL,
    label: string,
    param: string,
  ): Promise<User> => {
    const [user] = await tx.select().from(users).where(where).limit(1);
    if (!user) throw new NotFoundError(`User not found: ${label}`, { param, code: "404" });
    return user;
  };

  const teamsOf = async (tx: DbClient, userId: string) =>
    (
      await tx
        .select({ id: teamMemberships.teamId })
        .from(teamMemberships)
        .where(eq(teamMemberships.userId, userId))
    ).map((t) => t.id);

  /** Org admins manage users of their organization; proxy admins everyone. */
  const canManage = (caller: Caller, user: { organizationId: string | null }) =>
    isProxyAdmin(caller) ||
    (caller.role === "org_admin" &&
      !!caller.organizationId &&
      user.organizationId === caller.organizationId);

  /**
   * May the caller change this user's settings? Proxy admins anyone; org admins the users of
   * their organization whose role is below theirs, never themselves (their own limits are not
   * theirs to raise) nor other org admins or proxy roles.
   */
  const canAdminister = (caller: Caller, user: User) =>
    isProxyAdmin(caller) ||
    (caller.userId !== user.id &&
      canManage(caller, user) &&
      ORG_ADMIN_ASSIGNABLE_ROLES.includes(user.userRole));

  /** Roles an org admin may give: below their own (LiteLLM keeps org_admin a proxy admin's grant). */
  const requireAssignableRole = (caller: Caller, role: string | null | undefined) => {
    if (isProxyAdmin(caller) || role == null) return;
    if (!ORG_ADMIN_ASSIGNABLE_ROLES.includes(role)) {
      throw deniedField(
        "user_role",
        `Only proxy admins can give the role ${role}; you can give ${ORG_ADMIN_ASSIGNABLE_ROLES.join(", ")}.`,
      );
    }
  };

  /** Org admins keep the users they create or change in their own organization. */
  const requireOwnOrganization = (caller: Caller, organizationId: string | null | undefined) => {
    if (isProxyAdmin(caller)) return;
    if ((organizationId ?? null) !== (caller.organizationId ?? null)) {
      throw deniedField(
        "organization_id",
        `Org admins can only place users in their own organization (${caller.organizationId}).`,
      );
    }
  };

  return {
    /** POST /user/new: the user, their team memberships and (auto_create_key) a first key, together. */
    async create(caller: Caller, body: unknown): Promise<JsonObject & { key: string | null }> {
      const req = parse(NewUserRequest, body);
      requireWriter(caller, "create users");
      const organizationId =
        req.organization_id ??
        req.organizations?.[0] ??
        (caller.role === "org_admin" ? caller.organizationId : undefined);
      if (!canManage(caller, { organizationId: organizationId ?? null })) {
        const message =
          "Only proxy admins (and org admins, for their organization) can create users.";
        const param = req.organization_id
          ? "organization_id"
          : req.organizations?.length
            ? "organizations"
            : undefined;
        throw param ? deniedField(param, message) : denied(message);
      }
      requireAssignableRole(caller, req.user_role);
      const now = clock.now();
      // Hashed before the transaction: scrypt is slow on purpose and holds no row lock.
      const passwordHash = req.password ? await hashPassword(req.password) : null;
      const { user, teamIds, key } = await db.transaction(async (tx) => {
        if (req.user_id) {
          const [exists] = await tx
            .select({ id: users.id })
            .from(users)
            .where(eq(users.id, req.user_id));
          if (exists)
            throw new InvalidRequestError(`User with id=${req.user_id} already exists`, {
              param: "user_id",
              code: "400",
            });
        }
        if (req.user_email) await requireEmailUnused(tx, req.user_email);
        if (organizationId) await requireReference(tx, "organization_id", organizationId);
        await checkWithinOrganization(tx, caller, organizationId, req);
        const [user] = await tx
          .insert(users)
          .values({
            ...columnsFrom(req, now),
            ...(req.user_id ? { id: req.user_id } : {}),
            userRole: req.user_role ?? "internal_user",
            organizationId: organizationId ?? null,
            ssoUserId: req.sso_user_id ?? null,
            passwordHash,
          })
          .returning();
        if (organizationId) {
          // The organization's member list reads memberships (LiteLLM_OrganizationMembership).
          const role = user!.userRole;
          await tx.insert(organizationMemberships).values({
            organizationId,
            userId: user!.id,
            userRole: (ORGANIZATION_ROLES as readonly string[]).includes(role)
              ? role
              : "internal_user",
          });
        }
        const teamIds: string[] = [];
        for (const entry of req.teams ?? []) {
          const teamId = typeof entry === "string" ? entry : entry.team_id;
          await requireReference(tx, "team_id", teamId, "teams");
          if (!isProxyAdmin(caller)) {
            // The new user's key is handed to the caller: membership elsewhere would be theirs.
            const [team] = await tx
              .select({ org: teams.organizationId })
              .from(teams)
              .where(eq(teams.id, teamId));
            if (!team?.org || team.org !== caller.organizationId)
              throw deniedField(
                "teams",
                `Org admins can only add users to teams of their own organization; ${teamId} is not one.`,
              );
          }
          let budgetId: string | null = null;
          if (typeof entry !== "string" && entry.max_budget_in_team != null) {
            const [b] = await tx
              .insert(budgets)
              .values({ maxBudget: entry.max_budget_in_team })
              .returning({ id: budgets.id });
            budgetId = b!.id;
          }
          await tx.insert(teamMemberships).values({
            teamId,
            userId: user!.id,
            role: typeof entry === "string" ? "user" : entry.user_role,
            budgetId,
          });
          teamIds.push(teamId);
        }
        await audit(tx, caller, {
          action: "created",
          table: "users",
          objectId: user!.id,
          after: userJson(user!, teamIds),
        });
        const key = req.auto_create_key
          ? await keys.generateIn(tx, caller, {
              user_id: user!.id,
              key_alias: req.key_alias,
              duration: req.duration,
              models: req.models ?? [],
              metadata: req.metadata ?? {},
            })
          : undefined;
        return { user: user!, teamIds, key };
      });
      if (key) await deps.publish({ kind: "key", keyHash: key.keyHash });
      return {
        ...(key?.response ?? { key: null, key_name: null, expires: null, token_id: null }),
        ...userJson(user, teamIds),
        teams: teamIds,
      };
    },

    /** POST /user/update (by user_id or user_email). Users may change their own alias, email and password. */
    async update(caller: Caller, body: unknown) {
      const req = parse(UpdateUserRequest, body);
      requireWriter(caller, "update users");
      const now = clock.now();
      const user = await db.transaction(async (tx) => {
        const found = req.user_id
          ? (await tx.select().from(users).where(eq(users.id, req.user_id)).limit(1))[0]
          : await userByEmail(tx, req.user_email!);
        if (!found) {
          if (!canReadAll(caller)) throw notYoursOrMissing("update");
          const [param, label] = req.user_id
            ? ["user_id", req.user_id]
            : ["user_email", req.user_email!];
          throw new NotFoundError(`User not found: ${label}`, { param, code: "404" });
        }
        const current = found;
        const self = caller.userId === current.id;
        if (!canAdminister(caller, current)) {
          if (!self) throw notYoursOrMissing("update");
          const forbidden = Object.keys(req).find((k) => !SELF_USER_FIELDS.has(k));
          if (forbidden) throw deniedField(forbidden, `You cannot change your own ${forbidden}.`);
          if (
            req.user_id &&
            Object.hasOwn(req, "user_email") &&
            (req.user_email ?? null) !== current.userEmail
          )
            throw deniedField("user_email", "You cannot change your own user_email; ask an admin.");
          const limit = Object.keys(req.metadata ?? {}).find((k) => /budget|limit/.test(k));
          if (limit)
            throw deniedField(`metadata.${limit}`, `You cannot set your own metadata.${limit}.`);
          // A key or session alone must not be enough to take the account's password over.
          if (Object.hasOwn(req, "password") && current.passwordHash) {
            if (!req.current_password)
              throw deniedField(
                "current_password",
                "Changing your password needs your current password: send current_password.",
              );
            if (!(await verifyPassword(req.current_password, current.passwordHash)))
              throw deniedField("current_password", "current_password is not your password.");
          }
        } else {
          requireAssignableRole(caller, req.user_role);
          if (Object.hasOwn(req, "organization_id"))
            requireOwnOrganization(caller, req.organization_id);
          await checkWithinOrganization(tx, caller, current.organizationId, req);
        }
        const { user_id: _id, password, current_password: _current, ...fields } = req;
        // Found by email: the email identifies the user and is not a change.
        if (!req.user_id) delete (fields as { user_email?: unknown }).user_email;
        else if (fields.user_email && fields.user_email !== current.userEmail)
          await requireEmailUnused(tx, fields.user_email, current.id);
        const set = columnsFrom(fields, now);
        // null removes the password (no more dashboard login; open sessions end with it).
        if (password) set.passwordHash = await hashPassword(password);
        else if (password === null) set.passwordHash = null;
        // Nothing to change (e.g. only unknown fields, which are dropped): answer as is.
        const [row] =
          Object.keys(set).length === 0
            ? [current]
            : await tx.update(users).set(set).where(eq(users.id, current.id)).returning();
        await audit(tx, caller, {
          action: "updated",
          table: "users",
          objectId: current.id,
          before: userJson(current),
          after: set,
        });
        return row!;
      });
      if (Object.hasOwn(req, "spend")) await deps.setSpend(`u:${user.id}`, Number(user.spend));
      await deps.publish({ kind: "all" });
      return userJson(user, await teamsOf(db, user.id));
    },

    /** POST /user/delete `{user_ids}`: the users, their memberships and keys. */
    async delete(caller: Caller, body: unknown) {
      const req = parse(DeleteUserRequest, body);
      requireWriter(caller, "delete users");
      await db.transaction(async (tx) => {
        for (const id of req.user_ids) {
          const [user] = await tx.select().from(users).where(eq(users.id, id)).limit(1);
          if (!user && !canReadAll(caller)) throw notYoursOrMissing("delete");
          if (!user)
            throw new NotFoundError(`User not found: ${id}`, { param: "user_ids", code: "404" });
          if (!canAdminister(caller, user)) throw notYoursOrMissing("delete");
          await retireKeys(tx, caller, eq(virtualKeys.userId, id));
          await tx.delete(users).where(eq(users.id, id));
          await audit(tx, caller, {
            action: "deleted",
            table: "users",
            objectId: id,
            before: userJson(user),
          });
        }
      });
      await deps.publish({ kind: "all" });
      return { deleted_users: req.user_ids };
    },

    /** GET /user/info?user_id= -> `{user_id, user_info, keys, teams}`. */
    async info(caller: Caller, query: unknown) {
      const { user_id } = parse(UserRef, query);
      if (!canReadAll(caller)) {
        const [user] = await db.select().from(users).where(eq(users.id, user_id)).limit(1);
        if (!user || (caller.userId !== user.id && !canManage(caller, user)))
          throw notYoursOrMissing("view");
      }
      const user = await requireUser(db, eq(users.id, user_id), user_id, "user_id");
      const teamIds = await teamsOf(db, user.id);
      const teamRows = teamIds.length
        ? await db.select().from(teams).where(inArray(teams.id, teamIds))
        : [];
      const members = await membersOf(db, teamIds);
      const keys = await db.select().from(virtualKeys).where(eq(virtualKeys.userId, user.id));
      return {
        user_id: user.id,
        user_info: userJson(user, teamIds),
        keys: keys.map((k) => keyJson(k)),
        teams: teamRows.map((t) => teamJson(t, members.get(t.id))),
      };
    },

    /** GET /user/list -> `{users, total, page, page_size, total_pages}`. */
    async list(caller: Caller, query: unknown) {
      const q = parse(ListUsersQuery, query);
      const filters: SQL[] = [];
      if (!canReadAll(caller)) {
        if (caller.role !== "org_admin" || !caller.organizationId)
          throw denied("Only admins can list users.");
        filters.push(eq(users.organizationId, caller.organizationId));
      }
      if (q.role) filters.push(eq(users.userRole, q.role));
      if (q.organization_id) filters.push(eq(users.organizationId, q.organization_id));
      if (q.user_ids) filters.push(inArray(users.id, q.user_ids.split(",")));
      const where = filters.length ? and(...filters) : undefined;
      const [{ total }] = (await db.select({ total: count() }).from(users).where(where)) as [
        { total: number },
      ];
      const rows = await db
        .select()
        .from(users)
        .where(where)
        .orderBy(users.createdAt, users.id)
        .limit(q.page_size)
        .offset((q.page - 1) * q.page_size);
      return {
        users: rows.map((u) => userJson(u)),
        total,
        page: q.page,
        page_size: q.page_size,
        total_pages: Math.ceil(total / q.page_size),
      };
    },
  };
}
