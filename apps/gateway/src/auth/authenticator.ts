/**
 * Who is calling: the master key, or a virtual key with its team, user, limits and budgets
 * (@org/budgets). Resolved once per request by the auth middleware and kept in the request
 * context; routes pass it to the router as `metadata.identity` for the budget hooks. The
 * authenticator itself is @org/budgets' `createAuthenticator` (master key and virtual keys),
 * built in budgets/build-budgets.ts.
 */
export type { AuthIdentity } from "@org/budgets";
import type { AuthIdentity } from "@org/budgets";

export interface Authenticator {
  /** `requestId` names the request on the log line if the key store fails. */
  authenticate(token: string | undefined, requestId?: string): Promise<AuthIdentity> | AuthIdentity;
  /**
   * A virtual key by its SHA-256 hash, with the same checks as `authenticate`: how a dashboard
   * session (which holds the hash, never the key) is checked again on every request.
   */
  authenticateKeyHash?(keyHash: string): Promise<AuthIdentity> | AuthIdentity;
}
