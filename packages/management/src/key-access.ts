import { teams, users, type DbClient, type VirtualKey } from "@org/db";
import { eq } from "drizzle-orm";
import {
  canReadAll,
  denied,
  deniedField,
  isProxyAdmin,
  requireWriter,
  type Caller,
} from "./caller.ts";
import { ADMIN_USER_ROLES, authorityOver, type KeyAuthority } from "./key-permissions.ts";
import { findKey, requireKey, teamRole } from "./lookups.ts";
import type { GenerateKeyRequest } from "./schemas.ts";

/**
 * Who may do what to a virtual key (the /key/* endpoints' access rules): a key's reader and
 * manager, the key a reference names as the caller may see it, and whom a new key may belong to.
 */

export type KeyFields = Omit<GenerateKeyRequest, "key" | "send_invite_email" | "key_type">;

/**
 * A restricted caller's refusal for a key that is not theirs or does not exist: one answer for
 * both (see keyFor), so the message names neither.
 */
export const notYoursOrMissing = (action: string) =>
  denied(`You are not allowed to ${action} this key (it is not yours, or it does not exist).`);

/** The caller's authority over the key; refuses (403) when they have none. */
export const requireManage = async (
  tx: DbClient,
  caller: Caller,
  key: VirtualKey,
  action: string,
): Promise<KeyAuthority> => {
  requireWriter(caller, action);
  const authority = await authorityOver(tx, caller, key);
  // Not the key's name: `sk-...<last 4>` is part of a secret this caller may not see.
  if (authority === undefined) throw notYoursOrMissing(action);
  return authority;
};

/**
 * The key `ref` names (key, hash, id). To a caller who may not read every key, a key that does
 * not exist is refused exactly as another user's is (the same 403, message and param): a 404
 * here would tell them which hashes (shown in spend logs and metrics) or ids exist. Admins
 * (who can list every key anyway) get LiteLLM's 404. A write checks the role first, as the
 * existing key's refusal does.
 */
export const keyFor = async (
  tx: DbClient,
  caller: Caller,
  ref: string,
  action: string,
): Promise<VirtualKey> => {
  if (canReadAll(caller)) return requireKey(tx, ref);
  if (action !== "view") requireWriter(caller, action);
  const key = await findKey(tx, ref);
  if (!key) throw notYoursOrMissing(action);
  return key;
};

export const requireRead = async (tx: DbClient, caller: Caller, key: VirtualKey) => {
  if (canReadAll(caller)) return;
  // Any key may read its own info, a key with no user included (LiteLLM's rule).
  if (key.tokenHash === caller.keyHash) return;
  if (key.userId !== null && key.userId === caller.userId) return;
  if ((await authorityOver(tx, caller, key)) !== undefined) return;
  throw notYoursOrMissing("view");
};

/** The team, organization and user a key will have after a change. */
export const targetOf = (req: Partial<KeyFields>, current: VirtualKey) => ({
  teamId: Object.hasOwn(req, "team_id") ? (req.team_id ?? null) : current.teamId,
  organizationId: Object.hasOwn(req, "organization_id")
    ? (req.organization_id ?? null)
    : current.organizationId,
  userId: Object.hasOwn(req, "user_id") ? (req.user_id ?? null) : current.userId,
});

/**
 * Who a new key may be issued to, by role (LiteLLM's key-generation rules, simplified). Another
 * user's key is issued only to an existing user (one who is already a member of the team, for a
 * team admin; of the organization or the team, for an org admin), never to one with an admin role
 * (ADMIN_USER_ROLES): the key's holder acts as that user, with that user's role and budget.
 */
export const authorizeOwner = async (
  tx: DbClient,
  caller: Caller,
  userId?: string,
  teamId?: string,
) => {
  requireWriter(caller, "generate keys");
  if (isProxyAdmin(caller)) return userId;
  // A key that belongs to no user acts for nobody: keys it made would be owned by no one and
  // limited by nothing the caller is limited by.
  if (!caller.userId) throw denied("Only keys of a user (or the master key) can create keys.");
  const other = userId !== undefined && userId !== caller.userId ? userId : undefined;
  const [owner] = other
    ? await tx
        .select({ org: users.organizationId, role: users.userRole })
        .from(users)
        .where(eq(users.id, other))
    : [];
  if (owner && ADMIN_USER_ROLES.has(owner.role))
    throw deniedField(
      "user_id",
      `Only proxy admins can create keys for ${other}: a key acts with its user's role (${owner.role}).`,
    );
  if (teamId) {
    const ownerRole = other && owner ? await teamRole(tx, teamId, other) : undefined;
    if (caller.role === "org_admin" && caller.organizationId) {
      const [team] = await tx
        .select({ org: teams.organizationId })
        .from(teams)
        .where(eq(teams.id, teamId));
      if (team?.org === caller.organizationId) {
        if (!other || owner?.org === caller.organizationId || ownerRole !== undefined)
          return userId;
        throw deniedField(
          "user_id",
          `${other} is neither in organization ${caller.organizationId} nor a member of team ${teamId}.`,
        );
      }
    }
    const role = await teamRole(tx, teamId, caller.userId);
    if (role === undefined)
      throw deniedField(
        "team_id",
        `You are not a member of team ${teamId}, so you cannot create keys for it.`,
      );
    if (other && role !== "admin") {
      throw deniedField(
        "user_id",
        `Only team admins can create keys for other members of team ${teamId}.`,
      );
    }
    // Not a user made up by the key: one the team already has (an unknown id would be created,
    // and whoever later gets that id would find this key acting as them).
    if (other && ownerRole === undefined)
      throw deniedField("user_id", `${other} is not a member of team ${teamId}.`);
    return userId ?? caller.userId;
  }
  if (other) {
    if (caller.role === "org_admin" && caller.organizationId) {
      if (owner?.org === caller.organizationId) return userId;
    }
    throw deniedField("user_id", "You can only create keys for yourself.");
  }
  return caller.userId;
};
