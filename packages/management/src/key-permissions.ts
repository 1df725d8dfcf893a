import { budgets, organizations, teams, users, type DbClient, type VirtualKey } from "@org/db";
import { eq } from "drizzle-orm";
import { ALL_TEAM_MODELS, canAccess, parseModelLimits } from "@org/budgets";
import { deniedField, isProxyAdmin, isViewer, type Caller } from "./caller.ts";
import { teamRole } from "./lookups.ts";

/**
 * Who may change which field of a virtual key (LiteLLM's rules; the table is in the budgets
 * README). A key's budgets, spend, limits, models, team, organization, blocked state, routes,
 * permissions and limit-carrying metadata are an admin's: a proxy admin's, or the admin of the
 * key's team or organization, inside that team's or organization's own limits. The key's holder
 * may change only what cannot raise their own ceiling.
 */
export type KeyAuthority = "proxy_admin" | "org_admin" | "team_admin" | "holder";

/**
 * What a key's holder may change on their own key. `aliases` only renames: a request through an
 * alias calls its target, and access is checked on the target (`resolveKeyAlias`).
 */
export const HOLDER_KEY_FIELDS: ReadonlySet<string> = new Set([
  "key_alias",
  "metadata",
  "tags",
  "aliases",
]);

/** Fields only proxy admins set: they reach outside any one team or organization. */
export const PROXY_ADMIN_KEY_FIELDS: ReadonlySet<string> = new Set([
  // A budget row can be shared: linking (and soft_budget writing) another entity's row.
  "budget_id",
  // A temporary raise of max_budget is an operator's decision.
  "temp_budget_increase",
  "temp_budget_expiry",
]);

/**
 * Metadata entries that carry limits or protections (LiteLLM keeps these in the key's metadata):
 * a holder may neither set them nor, by replacing the metadata, drop them.
 */
export const LIMIT_METADATA_KEYS: readonly string[] = [
  "model_rpm_limit",
  "model_tpm_limit",
  "guardrails",
  "enforced_params",
  "temp_budget_increase",
  "temp_budget_expiry",
  "team_member_budget_id",
];

/** Request fields that name the key or shape the response, not the key's settings. */
const NOT_SETTINGS = new Set(["key", "new_key", "send_invite_email", "key_type"]);

/** The most a key may be given: its team's, its organization's or its user's own limits. */
interface Ceiling {
  readonly scope: string;
  readonly maxBudget: number | null;
  readonly tpm: number | null;
  readonly rpm: number | null;
  readonly maxParallel: number | null;
  readonly models: readonly string[];
  /** A team's ceiling: `all-team-models` names exactly its models. */
  readonly team: boolean;
}

/**
 * Roles a key acts with that reach beyond one team or organization. A key acts with its user's
 * role, so whoever issued or regenerated such a user's key would hold that role: only proxy admins
 * (and, on their own keys, the users themselves) issue and manage them.
 */
export const ADMIN_USER_ROLES: ReadonlySet<string> = new Set([
  "proxy_admin",
  "proxy_admin_viewer",
  "org_admin",
]);

/** The caller's authority over an existing key; undefined when they may not manage it. */
export async function authorityOver(
  tx: DbClient,
  caller: Caller,
  key: VirtualKey,
): Promise<KeyAuthority | undefined> {
  if (isProxyAdmin(caller)) return "proxy_admin";
  if (isViewer(caller)) return undefined;
  // An admin user's key in a team or organization is not its team or org admin's.
  if (key.userId !== null && key.userId !== caller.userId && (await isAdminUser(tx, key.userId)))
    return undefined;
  if (caller.role === "org_admin" && caller.organizationId) {
    if (key.organizationId === caller.organizationId) return "org_admin";
    if (key.teamId && (await organizationOfTeam(tx, key.teamId)) === caller.organizationId)
      return "org_admin";
  }
  if (key.teamId !== null && (await teamRole(tx, key.teamId, caller.userId)) === "admin")
    return "team_admin";
  if (key.userId !== null && key.userId === caller.userId) return "holder";
  return undefined;
}

async function isAdminUser(tx: DbClient, userId: string): Promise<boolean> {
  const [user] = await tx.select({ role: users.userRole }).from(users).where(eq(users.id, userId));
  return user !== undefined && ADMIN_USER_ROLES.has(user.role);
}

async function organizationOfTeam(tx: DbClient, teamId: string): Promise<string | null> {
  const [team] = await tx
    .select({ org: teams.organizationId })
    .from(teams)
    .where(eq(teams.id, teamId));
  return team?.org ?? null;
}

/** May the caller put keys into this team (its admin, or the admin of its organization)? */
async function administersTeam(tx: DbClient, caller: Caller, teamId: string): Promise<boolean> {
  if (isProxyAdmin(caller)) return true;
  if (caller.role === "org_admin" && caller.organizationId) {
    if ((await organizationOfTeam(tx, teamId)) === caller.organizationId) return true;
  }
  return (await teamRole(tx, teamId, caller.userId)) === "admin";
}

const present = (req: object) =>
  Object.keys(req).filter((name) => !NOT_SETTINGS.has(name) && Object.hasOwn(req, name));

/**
 * Refuses (403 naming the field in `param`) a key write the caller may not make. `authority` is
 * the caller's over the existing key (update, regenerate) or "generate" for a new key, which
 * `target` describes (team, organization and user the key will have).
 */
export async function checkKeyWrite(
  tx: DbClient,
  caller: Caller,
  authority: KeyAuthority | "generate",
  req: Record<string, unknown>,
  target: { teamId: string | null; organizationId: string | null; userId: string | null },
  current?: VirtualKey,
): Promise<void> {
  if (authority === "proxy_admin" || isProxyAdmin(caller)) return;
  const fields = present(req);
  for (const name of fields) {
    if (PROXY_ADMIN_KEY_FIELDS.has(name) && req[name] != null)
      throw deniedField(name, `Only proxy admins can set ${name} on a key.`);
  }

  if (authority === "holder") {
    for (const name of fields) {
      if (HOLDER_KEY_FIELDS.has(name)) continue;
      // Blocking one's own key only takes access away (e.g. after a leak).
      if (name === "blocked" && req.blocked === true) continue;
      throw deniedField(
        name,
        `You cannot change ${name} of your own key: only a proxy admin, or an admin of the key's team or organization, can.`,
      );
    }
    checkMetadata(req);
    return;
  }

  // An admin of the key's team or organization, or a user generating a key.
  if (Object.hasOwn(req, "organization_id")) {
    const value = (req.organization_id as string | null | undefined) ?? null;
    const unchanged = current !== undefined && value === current.organizationId;
    const own = value !== null && value === caller.organizationId;
    if (!unchanged && !own && !(authority === "generate" && value === null)) {
      throw deniedField(
        "organization_id",
        caller.role === "org_admin"
          ? `Org admins can only put keys in their own organization (${caller.organizationId}).`
          : "Only proxy admins (and org admins, for their organization) can set a key's organization_id.",
      );
    }
  }
  if (authority !== "generate" && Object.hasOwn(req, "user_id")) {
    // Handing a key to another user (update and regenerate alike) is a proxy admin's.
    if (current === undefined || (req.user_id ?? null) !== current.userId)
      throw deniedField("user_id", "Only proxy admins can move a key to another user.");
  }
  if (authority !== "generate" && Object.hasOwn(req, "team_id")) {
    const value = (req.team_id as string | null | undefined) ?? null;
    if (current === undefined || value !== current.teamId) {
      // Out of every team, a key without a user would be bounded by nothing.
      if (value === null)
        throw deniedField("team_id", "Only proxy admins can take a key out of its team.");
      if (!(await administersTeam(tx, caller, value)))
        throw deniedField(
          "team_id",
          `You cannot move a key into team ${value}: you are not its admin.`,
        );
    }
  }
  if (authority === "generate" && target.teamId === null) {
    // A personal key: its holder's own settings, bounded by the user's limits below.
    checkMetadata(req, true);
  }
  const ceiling = await ceilingFor(tx, caller, target);
  if (ceiling) checkWithin(req, ceiling);
}

/** A holder's metadata may not set (or, by replacing it, drop) limit-carrying entries. */
function checkMetadata(req: Record<string, unknown>, allowLimits = false): void {
  if (allowLimits) return;
  const metadata = req.metadata;
  if (metadata === null || typeof metadata !== "object") return;
  for (const name of LIMIT_METADATA_KEYS) {
    if (Object.hasOwn(metadata, name))
      throw deniedField(
        `metadata.${name}`,
        `metadata.${name} carries a limit: only an admin of the key can set it.`,
      );
  }
}

/** Keeps the limit-carrying entries of the current metadata under a holder's new metadata. */
export function keepLimitMetadata(
  next: Record<string, unknown>,
  current: Record<string, unknown>,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of LIMIT_METADATA_KEYS)
    if (Object.hasOwn(current, name)) kept[name] = current[name];
  return { ...next, ...kept };
}

async function ceilingFor(
  tx: DbClient,
  caller: Caller,
  target: { teamId: string | null; organizationId: string | null; userId: string | null },
): Promise<Ceiling | undefined> {
  if (target.teamId) {
    const [team] = await tx.select().from(teams).where(eq(teams.id, target.teamId));
    if (!team) return undefined;
    return {
      scope: `team ${team.id}`,
      maxBudget: team.maxBudget,
      tpm: team.tpmLimit,
      rpm: team.rpmLimit,
      maxParallel: team.maxParallelRequests,
      models: team.models,
      team: true,
    };
  }
  if (
    caller.role === "org_admin" &&
    target.organizationId === caller.organizationId &&
    target.organizationId
  ) {
    return organizationCeiling(tx, target.organizationId);
  }
  if (target.userId) {
    const [user] = await tx.select().from(users).where(eq(users.id, target.userId));
    if (!user) return undefined;
    return {
      scope: `user ${user.id}`,
      maxBudget: user.maxBudget,
      tpm: user.tpmLimit,
      rpm: user.rpmLimit,
      maxParallel: user.maxParallelRequests,
      models: user.models,
      team: false,
    };
  }
  return undefined;
}

async function organizationCeiling(
  tx: DbClient,
  organizationId: string,
): Promise<Ceiling | undefined> {
  const [row] = await tx
    .select({ o: organizations, b: budgets })
    .from(organizations)
    .leftJoin(budgets, eq(budgets.id, organizations.budgetId))
    .where(eq(organizations.id, organizationId));
  if (!row) return undefined;
  return {
    scope: `organization ${row.o.id}`,
    maxBudget: row.b?.maxBudget ?? null,
    tpm: row.b?.tpmLimit ?? null,
    rpm: row.b?.rpmLimit ?? null,
    maxParallel: row.b?.maxParallelRequests ?? null,
    models: row.o.models,
    team: false,
  };
}

/**
 * An org admin gives a team or user of their organization no more than the organization has
 * (budget, rate limits, models): they act within their organization only.
 */
export async function checkWithinOrganization(
  tx: DbClient,
  caller: Caller,
  organizationId: string | null | undefined,
  req: Record<string, unknown>,
): Promise<void> {
  if (isProxyAdmin(caller) || caller.role !== "org_admin" || !organizationId) return;
  const ceiling = await organizationCeiling(tx, organizationId);
  if (ceiling) checkWithin(req, ceiling);
}

/** LiteLLM's rule: a key never gets more than its team (or organization, or user) has. */
function checkWithin(req: Record<string, unknown>, ceiling: Ceiling): void {
  const over = (name: string, value: unknown, max: number | null, what: string) => {
    if (typeof value === "number" && max !== null && value > max)
      throw deniedField(name, `${name}=${value} is more than ${ceiling.scope}'s ${what} (${max}).`);
  };
  over("max_budget", req.max_budget, ceiling.maxBudget, "max_budget");
  over("soft_budget", req.soft_budget, ceiling.maxBudget, "max_budget");
  over("tpm_limit", req.tpm_limit, ceiling.tpm, "tpm_limit");
  over("rpm_limit", req.rpm_limit, ceiling.rpm, "rpm_limit");
  over(
    "max_parallel_requests",
    req.max_parallel_requests,
    ceiling.maxParallel,
    "max_parallel_requests",
  );
  if (Array.isArray(req.models) && ceiling.models.length > 0) {
    for (const model of req.models as string[]) {
      if (ceiling.team && model === ALL_TEAM_MODELS) continue;
      if (!canAccess(ceiling.models, model))
        throw deniedField(
          "models",
          `models: ${model} is not one of ${ceiling.scope}'s models, so a key of it cannot have it.`,
        );
    }
  }
  // Per-model rates also arrive inside metadata (where LiteLLM keeps them).
  const metadata = (req.metadata ?? {}) as Record<string, unknown>;
  const perModel = parseModelLimits(
    (req.model_max_budget as Record<string, unknown> | null | undefined) ?? {},
    req.model_rpm_limit ?? metadata.model_rpm_limit,
    req.model_tpm_limit ?? metadata.model_tpm_limit,
  );
  for (const [model, limit] of perModel) {
    if (ceiling.models.length > 0 && !canAccess(ceiling.models, model))
      throw deniedField(
        Object.hasOwn(req.model_max_budget ?? {}, model) ? "model_max_budget" : "model_rpm_limit",
        `${model} is not one of ${ceiling.scope}'s models.`,
      );
    over("model_max_budget", limit.maxBudget, ceiling.maxBudget, "max_budget");
    over("model_rpm_limit", limit.rpm, ceiling.rpm, "rpm_limit");
    over("model_tpm_limit", limit.tpm, ceiling.tpm, "tpm_limit");
  }
}
