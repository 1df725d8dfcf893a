import { PermissionDeniedError } from "@org/core";
import type { AuthIdentity } from "@org/budgets";

/** LiteLLM's user roles. */
export type UserRole =
  "proxy_admin" | "proxy_admin_viewer" | "org_admin" | "internal_user" | "internal_user_viewer";

export const USER_ROLES: readonly UserRole[] = [
  "proxy_admin",
  "proxy_admin_viewer",
  "org_admin",
  "internal_user",
  "internal_user_viewer",
];

/** Who is calling a management function, resolved from the presented key. */
export interface Caller {
  readonly role: UserRole;
  /** The key owner's user id; undefined for the master key. */
  readonly userId: string | undefined;
  /**
   * The organization the caller acts in: for an org admin, their own user's (the one they
   * manage); for anyone else, the key's.
   */
  readonly organizationId: string | undefined;
  /** Hash of the presented key, for audit rows. */
  readonly keyHash: string;
}

/** LiteLLM's name for changes made with the master key. */
export const MASTER_ACTOR = "litellm_proxy_admin";

export function callerFrom(identity: AuthIdentity): Caller {
  if (identity.kind === "master") {
    return {
      role: "proxy_admin",
      userId: undefined,
      organizationId: undefined,
      keyHash: identity.keyHash,
    };
  }
  const role = (USER_ROLES as readonly string[]).includes(identity.userRole ?? "")
    ? (identity.userRole as UserRole)
    : "internal_user";
  return {
    role,
    userId: identity.userId ?? undefined,
    // Not the key's: a key in a team of another organization (any member makes their own team
    // keys) would make an org admin that organization's.
    organizationId:
      (role === "org_admin" ? identity.userOrganizationId : identity.organizationId) ?? undefined,
    keyHash: identity.keyHash,
  };
}

export function actorOf(caller: Caller): string {
  return caller.userId ?? MASTER_ACTOR;
}

export const isProxyAdmin = (caller: Caller) => caller.role === "proxy_admin";

/** Admins and admin viewers may read everything. */
export const canReadAll = (caller: Caller) =>
  caller.role === "proxy_admin" || caller.role === "proxy_admin_viewer";

export const isViewer = (caller: Caller) =>
  caller.role === "proxy_admin_viewer" || caller.role === "internal_user_viewer";

export function requireProxyAdmin(caller: Caller, action: string): void {
  if (!isProxyAdmin(caller)) {
    throw new PermissionDeniedError(`Only proxy admins can ${action}. Your role: ${caller.role}.`, {
      code: "403",
    });
  }
}

/** Viewers never write. */
export function requireWriter(caller: Caller, action: string): void {
  if (isViewer(caller)) {
    throw new PermissionDeniedError(
      `Your role (${caller.role}) is read-only: it cannot ${action}.`,
      { code: "403" },
    );
  }
}

export function denied(message: string): PermissionDeniedError {
  return new PermissionDeniedError(message, { code: "403" });
}

/** A 403 about one request field (`param`), so clients can point at what they may not set. */
export function deniedField(param: string, message: string): PermissionDeniedError {
  return new PermissionDeniedError(message, { code: "403", param });
}
