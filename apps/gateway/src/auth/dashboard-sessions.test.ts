import { describe, expect, it } from "vitest";
import { AuthenticationError } from "@org/core";
import type { AuthIdentity, Authenticator } from "./authenticator.ts";
import { createDashboardSessions } from "./dashboard-sessions.ts";

// The session rules without HTTP: UI_USERNAME / UI_PASSWORD, expiry against the clock, and a
// key's own expiry capping its session. (The HTTP side is e2e/dashboard-session.test.ts.)

const MASTER = "sk-master-for-sessions";
const KEY_HASH = "a".repeat(64);

function keyIdentity(expiresAt?: number): AuthIdentity {
  return {
    kind: "virtual_key",
    keyHash: KEY_HASH,
    keyId: "k1",
    keyName: "sk-...abcd",
    keyAlias: "alias",
    teamId: "team-1",
    userId: null,
    userRole: null,
    expiresAt,
  } as unknown as AuthIdentity;
}

function fakeAuthenticator(identity: AuthIdentity): Authenticator {
  return {
    authenticate: (token) => {
      if (token === "sk-good") return identity;
      throw new AuthenticationError(`unknown key ${token}`);
    },
    authenticateKeyHash: (hash) => {
      if (hash === KEY_HASH) return identity;
      throw new AuthenticationError("unknown hash");
    },
  };
}

describe("dashboard sessions", () => {
  it("takes UI_USERNAME with UI_PASSWORD or the master key, and nothing else", async () => {
    const sessions = createDashboardSessions({
      masterKey: MASTER,
      authenticator: fakeAuthenticator(keyIdentity()),
      uiUsername: "ops",
      uiPassword: "correct horse",
    });
    await expect(
      sessions.login({ username: "ops", password: "correct horse" }),
    ).resolves.toMatchObject({
      view: { user_role: "proxy_admin" },
    });
    await expect(sessions.login({ username: "ops", password: MASTER })).resolves.toBeDefined();
    for (const body of [
      { username: "admin", password: MASTER },
      { username: "admin", password: "correct horse" },
      { username: "ops", password: "correct horse " },
    ]) {
      await expect(sessions.login(body), JSON.stringify(body)).rejects.toMatchObject({
        status: 401,
      });
    }
  });

  it("refuses the token once expired, and a key's session ends when the key expires", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const keyExpiry = now + 3600_000;
    const sessions = createDashboardSessions({
      masterKey: MASTER,
      authenticator: fakeAuthenticator(keyIdentity(keyExpiry)),
      now: () => now,
    });
    const admin = await sessions.login({ username: "admin", password: MASTER });
    expect(admin.maxAgeSeconds).toBe(8 * 3600);
    const key = await sessions.login({ api_key: "sk-good" });
    expect(key.maxAgeSeconds).toBe(3600);
    expect(key.view).toMatchObject({
      user_role: "internal_user",
      key_alias: "alias",
      team_id: "team-1",
    });
    expect(key.view.expires_at).toBe(new Date(keyExpiry).toISOString());
    await expect(sessions.resolve(key.token)).resolves.toMatchObject({
      identity: { kind: "virtual_key" },
    });

    now = keyExpiry;
    await expect(sessions.resolve(key.token)).rejects.toMatchObject({ status: 401 });
    await expect(sessions.resolve(admin.token)).resolves.toMatchObject({
      identity: { kind: "master" },
    });
    now += 7 * 3600_000;
    await expect(sessions.resolve(admin.token)).rejects.toMatchObject({ status: 401 });
  });

  it("a token signed for one master key is refused after the master key changes", async () => {
    const before = createDashboardSessions({
      masterKey: MASTER,
      authenticator: fakeAuthenticator(keyIdentity()),
    });
    const after = createDashboardSessions({
      masterKey: `${MASTER}-rotated`,
      authenticator: fakeAuthenticator(keyIdentity()),
    });
    const { token } = await before.login({ username: "admin", password: MASTER });
    await expect(after.resolve(token)).rejects.toMatchObject({ status: 401 });
  });

  it("changing UI_PASSWORD ends the sessions it let in (the old password's holder is out)", async () => {
    const make = (uiPassword: string) =>
      createDashboardSessions({
        masterKey: MASTER,
        uiPassword,
        authenticator: fakeAuthenticator(keyIdentity()),
      });
    const before = make("old-ui-password");
    const { token } = await before.login({ username: "admin", password: "old-ui-password" });
    await expect(before.resolve(token)).resolves.toMatchObject({ claims: { sub: "master" } });
    await expect(make("new-ui-password").resolve(token)).rejects.toMatchObject({ status: 401 });
  });

  it("does not tell a refused key's reason (or echo it) at login", async () => {
    const sessions = createDashboardSessions({
      masterKey: MASTER,
      authenticator: fakeAuthenticator(keyIdentity()),
    });
    const error = await sessions.login({ api_key: "sk-secret-guess" }).catch((e: Error) => e);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).not.toContain("sk-secret-guess");
  });
});
