import { timingSafeEqual, createHash } from "node:crypto";
import { AuthenticationError } from "@org/core";

/**
 * Who is calling. Resolved once per request by the auth middleware and kept in the request
 * context; the budgets work adds virtual keys (team, user, limits) behind the same seam.
 */
export interface AuthIdentity {
  kind: "master" | "virtual_key";
  /** Hash of the presented key, safe to log and to use as a cache/ledger key. */
  keyHash: string;
}

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
