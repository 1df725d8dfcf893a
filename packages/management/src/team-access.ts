import { teamMemberships, teams, type DbClient, type Team } from "@org/db";
import { eq, inArray } from "drizzle-orm";
import {
  canReadAll,
  denied,
  deniedField,
  isProxyAdmin,
  requireWriter,
  type Caller,
} from "./caller.ts";
import { teamRole } from "./lookups.ts";
import type { NewTeamRequest, UpdateTeamRequest } from "./schemas.ts";

/**
 * Who may do what to a team (the /team/* endpoints' access rules): who owns a team (proxy
 * admins, org admins of its organization), who administers it (also its team admins), which
 * fields only an owner may change, and which teams a caller may see.
 */

export type TeamInput = Partial<Omit<ReturnType<typeof UpdateTeamRequest.parse>, "team_id">>;

/** Proxy admins, and org admins for teams of their organization. */
export const isTeamOwner = (caller: Caller, organizationId: string | null | undefined) =>
  isProxyAdmin(caller) ||
  (caller.role === "org_admin" &&
    !!caller.organizationId &&
    organizationId === caller.organizationId);

/** Owners and the team's own admins may manage it (members, harmless fields); 403 otherwise. */
export const requireTeamAdmin = async (
  tx: DbClient,
  caller: Caller,
  team: Team,
  action: string,
) => {
  requireWriter(caller, action);
  if (isTeamOwner(caller, team.organizationId)) return;
  if ((await teamRole(tx, team.id, caller.userId)) === "admin") return;
  throw denied(`Only proxy admins, org admins and admins of team ${team.id} can ${action}.`);
};

/**
 * The organization a new team will belong to (an org admin's own when the request names none);
 * refuses (403) a caller who may not create a team there.
 */
export const authorizeCreate = (
  caller: Caller,
  req: ReturnType<typeof NewTeamRequest.parse>,
): string | null | undefined => {
  requireWriter(caller, "create teams");
  const organizationId =
    req.organization_id ?? (caller.role === "org_admin" ? caller.organizationId : undefined);
  if (!isTeamOwner(caller, organizationId)) {
    const message = "Only proxy admins (and org admins, for their organization) can create teams.";
    throw req.organization_id ? deniedField("organization_id", message) : denied(message);
  }
  return organizationId;
};

/** Fields only proxy and org admins may change (money and access); team admins may not. */
const OWNER_FIELDS = [
  "max_budget",
  "soft_budget",
  "budget_duration",
  "models",
  "tpm_limit",
  "rpm_limit",
  "max_parallel_requests",
  "organization_id",
  "blocked",
  "team_member_budget",
  "model_max_budget",
] as const;

/**
 * The fields of a /team/update this caller may set, checked after requireTeamAdmin: a team
 * admin changes no owner field, and only a proxy admin moves a team between organizations.
 */
export const checkTeamUpdateFields = (caller: Caller, current: Team, req: TeamInput) => {
  if (!isTeamOwner(caller, current.organizationId)) {
    const forbidden = OWNER_FIELDS.filter((f) => Object.hasOwn(req, f));
    if (forbidden.length > 0)
      throw deniedField(
        forbidden[0]!,
        `Team admins cannot change ${forbidden.join(", ")}; ask a proxy admin.`,
      );
  }
  if (
    !isProxyAdmin(caller) &&
    Object.hasOwn(req, "organization_id") &&
    (req.organization_id ?? null) !== current.organizationId
  ) {
    // An org admin who moved a team out would hand it (and its keys) to another
    // organization; into theirs it comes only through a proxy admin.
    throw deniedField(
      "organization_id",
      "Only proxy admins can move a team to another organization.",
    );
  }
};

/**
 * The budget row a team's new members get (LiteLLM keeps its id in the team's metadata) is set
 * through `team_member_budget`, never named by anyone but a proxy admin: a named row could be
 * another entity's (an organization's, a customer's), which the next `team_member_budget` change
 * would then rewrite.
 */
export const checkMemberBudgetLink = (
  caller: Caller,
  current: Team | undefined,
  metadata: Record<string, unknown> | null | undefined,
) => {
  if (isProxyAdmin(caller) || !metadata || !Object.hasOwn(metadata, "team_member_budget_id"))
    return;
  if (metadata.team_member_budget_id === current?.metadata.team_member_budget_id) return;
  throw deniedField(
    "metadata.team_member_budget_id",
    "metadata.team_member_budget_id links a budget row: only proxy admins can set it (use team_member_budget).",
  );
};

/** A member's budget in the team is never more than the team has (LiteLLM's rule for keys). */
export const checkMemberBudget = (
  caller: Caller,
  team: Team,
  maxBudgetInTeam: number | null | undefined,
) => {
  if (
    !isProxyAdmin(caller) &&
    maxBudgetInTeam != null &&
    team.maxBudget !== null &&
    maxBudgetInTeam > team.maxBudget
  ) {
    throw deniedField(
      "max_budget_in_team",
      `max_budget_in_team=${maxBudgetInTeam} is more than team ${team.id}'s max_budget (${team.maxBudget}).`,
    );
  }
};

/** Readers of every team, the team's owners and its members may see it; 403 otherwise. */
export const requireTeamRead = async (tx: DbClient, caller: Caller, team: Team) => {
  if (
    !canReadAll(caller) &&
    !isTeamOwner(caller, team.organizationId) &&
    (await teamRole(tx, team.id, caller.userId)) === undefined
  ) {
    throw denied(`You are not a member of team ${team.id}.`);
  }
};

/** The teams a caller may list: every team for readers of all, an org admin's organization's, else their own. */
export const visibleTeams = async (tx: DbClient, caller: Caller): Promise<Team[]> => {
  if (canReadAll(caller)) return tx.select().from(teams).orderBy(teams.createdAt);
  if (caller.role === "org_admin" && caller.organizationId) {
    return tx
      .select()
      .from(teams)
      .where(eq(teams.organizationId, caller.organizationId))
      .orderBy(teams.createdAt);
  }
  const mine = caller.userId
    ? await tx
        .select({ id: teamMemberships.teamId })
        .from(teamMemberships)
        .where(eq(teamMemberships.userId, caller.userId))
    : [];
  return mine.length
    ? tx
        .select()
        .from(teams)
        .where(
          inArray(
            teams.id,
            mine.map((m) => m.id),
          ),
        )
    : [];
};
