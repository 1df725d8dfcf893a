import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AuthenticationError, GatewayError, InvalidRequestError } from "@org/core";
import { callerFrom, type LoginUser, type UserLogin } from "@org/management";
import type { AuthIdentity, Authenticator } from "./authenticator.ts";
import { createSessionTokenSigner, type SessionClaims } from "./session-token.ts";
import { userIdOfSubject, userSessionIdentity, userSubject } from "./user-session-identity.ts";

/** LiteLLM's UI cookie name, so tools that know LiteLLM's dashboard recognise it. */
export const SESSION_COOKIE = "litellm_session";
/** Eight hours, as LiteLLM's UI session. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** What /v2/login and /v2/session answer (LiteLLM's field names where it has them). */
export interface SessionView {
  user_role: string;
  user_id: string | null;
  key_alias: string | null;
  team_id: string | null;
  expires_at: string;
}

export interface DashboardSessions {
  /** Checks `{username, password}` or `{api_key}`; a signed token for the cookie, or a 401. */
  login(
    body: Record<string, unknown>,
  ): Promise<{ token: string; view: SessionView; maxAgeSeconds: number }>;
  /**
   * The identity behind a cookie's token, checked again on every request: a virtual-key session
   * stops as soon as its key is blocked, deleted or expired. A 401 for anything else.
   */
  resolve(token: string): Promise<{ identity: AuthIdentity; claims: SessionClaims }>;
  view(identity: AuthIdentity, claims: SessionClaims): SessionView;
  /**
   * Logout: this token is refused from now until it would have expired, so a copy of the cookie
   * does not outlive the logout. In memory: it holds on this gateway instance (see the README).
   */
  revoke(token: string): void;
}

/** Revoked tokens held at once; beyond it the oldest revocations are dropped. */
const MAX_REVOKED = 100_000;

const MASTER = "master";

const sha256 = (value: string) => createHash("sha256").update(value).digest();

/** Constant-time string equality (both sides hashed first, so lengths never leak either). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

const invalidCredentials = () =>
  new AuthenticationError("Invalid credentials: check the username and password, or the key.", {
    code: "invalid_credentials",
  });

const invalidSession = () =>
  new AuthenticationError("The dashboard session is invalid or has expired. Log in again.", {
    code: "invalid_session",
  });

/**
 * Worth a database lookup: bounded as /user/new bounds them, and no NUL (PostgreSQL refuses it in
 * text, which would be a 500 instead of the one refusal).
 */
const plausibleLogin = (username: string, password: string) =>
  username.length > 0 &&
  username.length <= 512 &&
  password.length > 0 &&
  password.length <= 256 &&
  !username.includes("\u0000");

export function createDashboardSessions(options: {
  masterKey: string;
  authenticator: Authenticator;
  /** LITELLM_SALT_KEY: mixed into the signing secret when set. */
  saltKey?: string;
  /** This deployment's id (deployment-id.ts): another deployment's tokens do not verify here. */
  deploymentId?: string;
  /** UI_USERNAME (LiteLLM): the admin's login name; "admin" without it. */
  uiUsername?: string;
  /** UI_PASSWORD (LiteLLM): accepted as the admin's password besides the master key. */
  uiPassword?: string;
  /**
   * Internal users' password logins (`{username: user_id or user_email, password}`), with the
   * password /user/new or /user/update set; without it only the admin logs in by password.
   */
  users?: Pick<UserLogin, "verify" | "load">;
  /** Epoch ms; tests move it. */
  now?: () => number;
}): DashboardSessions {
  const signer = createSessionTokenSigner({
    // UI_PASSWORD is part of the secret too: changing it (say, after it leaked) ends the sessions
    // it let in, as rotating the master key does. Without it, the master key alone.
    masterKey: options.uiPassword
      ? `${options.masterKey}\u0000${options.uiPassword}`
      : options.masterKey,
    ...(options.saltKey ? { salt: options.saltKey } : {}),
    ...(options.deploymentId ? { scope: options.deploymentId } : {}),
  });
  const now = options.now ?? Date.now;
  const master: AuthIdentity = {
    kind: "master",
    keyHash: sha256(options.masterKey).toString("hex"),
  };
  const uiUsername = options.uiUsername ?? "admin";

  const roleOf = (identity: AuthIdentity) =>
    identity.kind === "master" ? "proxy_admin" : callerFrom(identity).role;

  /** `user`: an internal user's password login (its session names the user, not a key). */
  const issue = (identity: AuthIdentity, user?: LoginUser) => {
    const iat = Math.floor(now() / 1000);
    let exp = iat + SESSION_TTL_SECONDS;
    // A key that expires sooner ends its session then (it would be refused anyway).
    if (identity.kind === "virtual_key" && identity.expiresAt !== undefined) {
      exp = Math.min(exp, Math.floor(identity.expiresAt / 1000));
    }
    const claims: SessionClaims = {
      sub: user ? userSubject(user.userId) : identity.kind === "master" ? MASTER : identity.keyHash,
      role: roleOf(identity),
      // Which password opened it: a changed or removed password ends the session.
      ...(user ? { pwd: user.passwordVersion } : {}),
      exp,
      iat,
      jti: randomBytes(12).toString("base64url"),
    };
    return { token: signer.sign(claims), view: view(identity, claims), maxAgeSeconds: exp - iat };
  };

  const view = (identity: AuthIdentity, claims: SessionClaims): SessionView => ({
    user_role: roleOf(identity),
    user_id: identity.kind === "virtual_key" ? identity.userId : null,
    key_alias: identity.kind === "virtual_key" ? identity.keyAlias : null,
    team_id: identity.kind === "virtual_key" ? identity.teamId : null,
    expires_at: new Date(claims.exp * 1000).toISOString(),
  });

  // A revoked token's MAC (unique per token: the MAC must be canonical) and its expiry, seconds.
  const revoked = new Map<string, number>();
  const macOf = (token: string) => token.slice(token.lastIndexOf(".") + 1);
  const pruneRevoked = () => {
    const nowSeconds = Math.floor(now() / 1000);
    for (const [mac, exp] of revoked) if (exp <= nowSeconds) revoked.delete(mac);
    while (revoked.size >= MAX_REVOKED) revoked.delete(revoked.keys().next().value!);
  };

  return {
    async login(body) {
      const { username, password, api_key: apiKey } = body;
      if (apiKey !== undefined) {
        if (typeof apiKey !== "string" || apiKey.length === 0 || apiKey.length > 512) {
          throw new InvalidRequestError("api_key must be a non-empty string.", {
            param: "api_key",
          });
        }
        let identity: AuthIdentity;
        try {
          identity = await options.authenticator.authenticate(apiKey);
        } catch (error) {
          // One answer for every refused key (unknown, blocked, expired, deleted): a login form
          // must not tell a guesser which keys exist. A key store outage stays a 503.
          if (error instanceof GatewayError && error.status >= 500) throw error;
          throw invalidCredentials();
        }
        return issue(identity);
      }
      if (typeof username !== "string" || typeof password !== "string") {
        throw new InvalidRequestError(
          'Send {"username": ..., "password": ...} or {"api_key": "sk-..."}.',
          { param: typeof username === "string" ? "password" : "username" },
        );
      }
      // Evaluate every comparison (no short circuit), so timing does not tell which one failed.
      const nameOk = sameSecret(username, uiUsername);
      const masterOk = sameSecret(password, options.masterKey);
      const uiPasswordOk = options.uiPassword ? sameSecret(password, options.uiPassword) : false;
      if (nameOk && (masterOk || uiPasswordOk)) return issue(master);
      // An internal user by user_id or email. Same answer for an unknown user, one without a
      // password and a wrong password (the lookup runs one scrypt in every case).
      if (options.users && plausibleLogin(username, password)) {
        const user = await options.users.verify(username, password);
        if (user) return issue(userSessionIdentity(user), user);
      }
      throw invalidCredentials();
    },

    async resolve(token) {
      const claims = signer.verify(token, Math.floor(now() / 1000));
      if (!claims || revoked.has(macOf(token))) throw invalidSession();
      if (claims.sub === MASTER) return { identity: master, claims };
      const userId = userIdOfSubject(claims.sub);
      if (userId !== undefined) {
        // Read again on every request: a deleted user, or a changed or removed password, ends
        // the session, and a changed role applies at once.
        const user =
          options.users && claims.pwd ? await options.users.load(userId, claims.pwd) : undefined;
        if (!user) throw invalidSession();
        return { identity: userSessionIdentity(user), claims };
      }
      if (!options.authenticator.authenticateKeyHash) throw invalidSession();
      // Throws the key's own 401 (blocked, deleted, expired, team blocked).
      const identity = await options.authenticator.authenticateKeyHash(claims.sub);
      return { identity, claims };
    },

    view,

    revoke(token) {
      const claims = signer.verify(token, Math.floor(now() / 1000));
      // Only a valid token is remembered: junk cannot fill the list.
      if (!claims) return;
      if (revoked.size >= MAX_REVOKED / 2) pruneRevoked();
      revoked.set(macOf(token), claims.exp);
    },
  };
}
