import { timingSafeEqual, createHash } from "node:crypto";
import { AuthenticationError } from "@org/core";

/**
 * Who is calling: the master key, or a virtual key with its team, user, limits and budgets
 * (@org/budgets). Resolved once per request by the auth middleware and kept in the request
 * context; routes pass it to the router as `metadata.identity` for the budget hooks.
 */
export type { AuthIdentity } from "@org/budgets";
import type { AuthIdentity } from "@org/budgets";

export interface Authenticator {
  authenticate(token: string | undefined): Promise<AuthIdentity> | AuthIdentity;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Accepts only the master key. Comparison is constant-time on the hashes. */
export function createMasterKeyAuthenticator(masterKey: string): Authenticator {
  const expected = createHash("sha256").update(masterKey).digest();
  const expectedHex = expected.toString("hex");
  return {
    authenticate(token) {
      if (!token) {
        throw new AuthenticationError(
          "No API key provided. Pass it as 'Authorization: Bearer <key>', 'x-api-key' or 'api-key'.",
          { code: "missing_api_key" },
        );
      }
      const presented = createHash("sha256").update(token).digest();
      if (!timingSafeEqual(presented, expected)) {
        throw new AuthenticationError("Invalid API key.", { code: "invalid_api_key" });
      }
      return { kind: "master", keyHash: expectedHex };
    },
  };
}
