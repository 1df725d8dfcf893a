import { describe, expect, it } from "vitest";
import { AuthenticationError } from "@org/core";
import type { LoginUser } from "@org/management";
import type { Authenticator } from "./authenticator.ts";
import { createDashboardSessions } from "./dashboard-sessions.ts";
import { createSessionTokenSigner } from "./session-token.ts";

// Internal users' password sessions without HTTP or a database (the HTTP side, on a real
// database, is e2e/dashboard-user-login.test.ts): what a session names, and what ends it.

const MASTER = "sk-master-for-user-sessions";
const noKeys: Authenticator = {
  authenticate: () => {
    throw new AuthenticationError("no keys here");
  },
};

function fakeUsers() {
  const state = {
    user: {
      userId: "ana",
      userRole: "internal_user",
      userEmail: "ana@example.com",
      organizationId: null,
      models: [],
      passwordVersion: "v1",
    } as LoginUser | undefined,
    verified: [] as string[],
  };
  return {
    state,
    users: {
      verify: async (username: string, password: string) => {
        state.verified.push(username);
        const u = state.user;
        return u && (username === u.userId || username === u.userEmail) && password === "pw"
          ? u
          : undefined;
      },
      load: async (userId: string, version: string) =>
        state.user?.userId === userId && state.user.passwordVersion === version
          ? state.user
          : undefined,
    },
  };
}

describe("internal users' dashboard sessions", () => {
  it("names the user (never the password) and follows the stored user on every request", async () => {
    const { state, users } = fakeUsers();
    const sessions = createDashboardSessions({ masterKey: MASTER, authenticator: noKeys, users });
    const { token, view } = await sessions.login({ username: "ana@example.com", password: "pw" });
    expect(view).toMatchObject({ user_role: "internal_user", user_id: "ana", key_alias: null });
    const payload = Buffer.from(token.split(".")[1]!, "base64url").toString();
    expect(JSON.parse(payload)).toMatchObject({
      sub: "user:ana",
      role: "internal_user",
      pwd: "v1",
    });
    expect(payload).not.toContain('"pw"');

    const { identity } = await sessions.resolve(token);
    expect(identity).toMatchObject({ kind: "virtual_key", userId: "ana", keyHash: "" });

    // A role change applies to the next request; a new password ends the session.
    state.user = { ...state.user!, userRole: "internal_user_viewer" };
    const again = await sessions.resolve(token);
    expect(sessions.view(again.identity, again.claims).user_role).toBe("internal_user_viewer");
    state.user = { ...state.user, passwordVersion: "v2" };
    await expect(sessions.resolve(token)).rejects.toMatchObject({ status: 401 });
    state.user = undefined;
    await expect(sessions.resolve(token)).rejects.toMatchObject({ status: 401 });
  });

  it("refuses every wrong login alike, and looks up no absurd or NUL-bearing name", async () => {
    const { state, users } = fakeUsers();
    const sessions = createDashboardSessions({ masterKey: MASTER, authenticator: noKeys, users });
    const answers = [];
    for (const body of [
      { username: "ana", password: "wrong" },
      { username: "nobody", password: "pw" },
      { username: "ana\u0000", password: "pw" },
      { username: "a".repeat(513), password: "pw" },
      { username: "ana", password: "p".repeat(257) },
      { username: "admin", password: "pw" },
    ]) {
      answers.push(await sessions.login(body).catch((e: Error) => e.message));
    }
    expect(new Set(answers).size).toBe(1);
    expect(state.verified).toEqual(["ana", "nobody", "admin"]);
    // The admin's master-key login is untouched.
    await expect(sessions.login({ username: "admin", password: MASTER })).resolves.toMatchObject({
      view: { user_role: "proxy_admin" },
    });
  });

  it("refuses a user session where no user store is wired, even if correctly signed", async () => {
    const signer = createSessionTokenSigner({ masterKey: MASTER });
    const token = signer.sign({
      sub: "user:ana",
      role: "proxy_admin",
      pwd: "v1",
      exp: Math.floor(Date.now() / 1000) + 60,
      iat: Math.floor(Date.now() / 1000),
    });
    const sessions = createDashboardSessions({ masterKey: MASTER, authenticator: noKeys });
    await expect(sessions.resolve(token)).rejects.toMatchObject({ status: 401 });
    // Nor one without the password version, where users are wired.
    const withUsers = createDashboardSessions({
      masterKey: MASTER,
      authenticator: noKeys,
      users: fakeUsers().users,
    });
    const unversioned = signer.sign({
      sub: "user:ana",
      role: "internal_user",
      exp: Math.floor(Date.now() / 1000) + 60,
      iat: Math.floor(Date.now() / 1000),
    });
    await expect(withUsers.resolve(unversioned)).rejects.toMatchObject({ status: 401 });
  });
});
