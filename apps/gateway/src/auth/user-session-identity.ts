import type { VirtualKeyIdentity } from "@org/budgets";
import type { LoginUser } from "@org/management";

/** A user session's `sub` claim: never a key hash (hex) nor "master". */
const USER_SUBJECT_PREFIX = "user:";

export const userSubject = (userId: string) => `${USER_SUBJECT_PREFIX}${userId}`;

/** The user id a session's `sub` names, or undefined when it names a key or the master key. */
export const userIdOfSubject = (sub: string) =>
  sub.startsWith(USER_SUBJECT_PREFIX) ? sub.slice(USER_SUBJECT_PREFIX.length) : undefined;

/**
 * The caller behind an internal user's password login: the user, with their role and
 * organization, and no key. It has the shape of a key identity so the management routes'
 * rules for "a key of this user" (own keys, own teams, own spend, self-update only of
 * alias/email/password) apply unchanged. The session cookie is accepted only on management and
 * info routes, so this identity never reaches a model route; it carries no budget lines or
 * limits for that reason. `keyHash` is empty: it matches no key (a key's own-key rule needs the
 * key) and audit rows record "" (no key) with the user as the actor.
 */
export function userSessionIdentity(user: LoginUser): VirtualKeyIdentity {
  return {
    kind: "virtual_key",
    keyHash: "",
    keyId: "",
    keyName: null,
    keyAlias: null,
    teamId: null,
    teamAlias: null,
    userId: user.userId,
    userRole: user.userRole,
    organizationId: user.organizationId,
    userOrganizationId: user.organizationId,
    models: [],
    aliases: {},
    team: undefined,
    user: { id: user.userId, models: user.models },
    organization: undefined,
    expiresAt: undefined,
    blocked: false,
    teamBlocked: false,
    allowedRoutes: [],
    metadata: {},
    budgetLines: [],
    rateLimits: [],
    modelBudgets: new Map(),
    modelRateLimits: new Map(),
  };
}
