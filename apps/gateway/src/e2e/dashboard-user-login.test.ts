import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Internal users' dashboard login over HTTP (issue 21): the admin gives a user a password on
// /user/new or /user/update (LiteLLM's `password`), the user logs in with their email or user id
// and sees only their own keys and teams. Attacked as a caller would: guessing names, reading the
// hash back, raising their own role or budget with their own session, keeping a session after
// the password changed or the user was deleted. One gateway for the file; refused logins are
// counted (10 lock the address out, the last test relies on it).

const DASHBOARD = { "x-dashboard-request": "1" };
const ANA_PASSWORD = "correct horse battery staple";
const BOB_PASSWORD = "bob's own password";

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

describe("internal users log in to the dashboard with a password", () => {
  let gateway: TestGateway;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const admin = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  /** GET or POST with the session cookie as the dashboard sends it. */
  const asSession = (cookie: string, path: string, body?: unknown) =>
    body === undefined
      ? fetch(`${gateway.url}${path}`, { headers: { cookie, ...DASHBOARD } })
      : post(path, body, { cookie, ...DASHBOARD });
  const login = (username: string, password: string) => post("/v2/login", { username, password });
  let refusedLogins = 0;
  /** A login that must be refused: the one answer for every reason, nothing echoed. */
  const refused = async (username: string, password: string) => {
    const res = await login(username, password);
    refusedLogins++;
    expect(res.status, username).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    const text = await res.text();
    expect(text).not.toContain(password);
    return JSON.parse(text) as unknown;
  };
  let alpha: string;
  let beta: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ masterKey: "sk-user-login-master-0123456789" });
    alpha = (await admin<{ team_id: string }>("/team/new", { team_alias: "alpha" })).team_id;
    beta = (await admin<{ team_id: string }>("/team/new", { team_alias: "beta" })).team_id;
    await admin("/user/new", {
      user_id: "ana",
      user_email: "ana@example.com",
      user_role: "internal_user",
      password: ANA_PASSWORD,
      teams: [alpha],
      auto_create_key: false,
    });
    await admin("/user/new", {
      user_id: "bob",
      user_email: "bob@example.com",
      password: BOB_PASSWORD,
      teams: [beta],
      auto_create_key: false,
    });
    await admin("/user/new", { user_id: "nopass", auto_create_key: false });
    await admin("/key/generate", { user_id: "ana", team_id: alpha, key_alias: "ana-key" });
    await admin("/key/generate", { user_id: "bob", team_id: beta, key_alias: "bob-key" });
    await admin("/key/generate", { team_id: alpha, key_alias: "alpha-service" });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("never returns the password or its hash from /user/new, /user/info, /user/list or /user/update", async () => {
    const created = await admin("/user/new", {
      user_id: "carol",
      password: "carol's secret pw",
      auto_create_key: false,
    });
    const info = await admin("/user/info?user_id=ana");
    const list = await admin("/user/list?page_size=100");
    const updated = await admin("/user/update", { user_id: "carol", password: "carol's new pw" });
    for (const [name, body] of Object.entries({ created, info, list, updated })) {
      const text = JSON.stringify(body);
      expect(text, name).not.toMatch(/scrypt|password/i);
      expect(text, name).not.toContain("carol's");
      expect(text, name).not.toContain(ANA_PASSWORD);
    }
    // The new password works, the old one no longer does.
    expect((await login("carol", "carol's new pw")).status).toBe(200);
    await refused("carol", "carol's secret pw");
  });

  it("refuses a bad password field in the management envelope, without echoing it", async () => {
    for (const password of ["", "short77", "x".repeat(257), 12345678]) {
      const res = await fetch(`${gateway.url}/user/new`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.masterKey}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ user_id: "dora", password, auto_create_key: false }),
      });
      const text = await res.text();
      expect(res.status, String(password)).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { param: "password" } });
      if (typeof password === "string" && password) expect(text).not.toContain(password);
    }
    // Nor on /user/update: at least 8 characters.
    const short = await post(
      "/user/update",
      { user_id: "ana", password: "1234567" },
      { authorization: `Bearer ${gateway.masterKey}` },
    );
    const shortText = await short.text();
    expect(short.status).toBe(400);
    expect(JSON.parse(shortText)).toMatchObject({ error: { param: "password" } });
    expect(shortText).not.toContain("1234567");
    const dora = await fetch(`${gateway.url}/user/info?user_id=dora`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(dora.status).toBe(404);
  });

  it("gives the same 401 for a wrong password, an unknown user and a user without a password", async () => {
    const wrong = await refused("ana@example.com", "not ana's password");
    const unknown = await refused("nobody@example.com", ANA_PASSWORD);
    const noPassword = await refused("nopass", ANA_PASSWORD);
    // Another user's password does not open this user, nor a NUL in the name a 500.
    const crossed = await refused("ana", BOB_PASSWORD);
    const nul = await refused("ana\u0000", ANA_PASSWORD);
    expect(unknown).toEqual(wrong);
    expect(noPassword).toEqual(wrong);
    expect(crossed).toEqual(wrong);
    expect(nul).toEqual(wrong);
  });

  it("logs a user in by email or user id to their own keys and teams only", async () => {
    const byId = await login("ana", ANA_PASSWORD);
    expect(byId.status).toBe(200);
    const res = await login("ana@example.com", ANA_PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user_role: "internal_user", user_id: "ana" });
    const cookie = cookieOf(res);
    expect(decodeURIComponent(cookie)).not.toContain(ANA_PASSWORD);

    const session = await asSession(cookie, "/v2/session");
    expect(await session.json()).toMatchObject({ user_id: "ana", user_role: "internal_user" });
    const keys = (await (
      await asSession(cookie, "/key/list?return_full_object=true&size=100")
    ).json()) as { keys: { key_alias: string }[] };
    expect(keys.keys.map((k) => k.key_alias)).toEqual(["ana-key"]);
    // Asking for another team's or user's keys only narrows: nothing of theirs comes back.
    for (const query of [`team_id=${beta}`, "user_id=bob"]) {
      const other = await asSession(cookie, `/key/list?return_full_object=true&${query}`);
      expect(JSON.stringify(await other.json()), query).not.toContain("bob-key");
    }
    const teams = (await (await asSession(cookie, "/team/list")).json()) as { team_id: string }[];
    expect(teams.map((t) => t.team_id)).toEqual([alpha]);
    expect((await asSession(cookie, "/user/info?user_id=bob")).status).toBe(403);
    expect((await asSession(cookie, "/user/list")).status).toBe(403);
    // The session is not a key: no model route takes it.
    const chat = await post(
      "/v1/chat/completions",
      { model: "mock", messages: [{ role: "user", content: "hi" }] },
      { cookie, ...DASHBOARD },
    );
    expect(chat.status).toBe(401);
  });

  it("does not let a user raise their own role or budget, or touch another user, with their session", async () => {
    const cookie = cookieOf(await login("ana", ANA_PASSWORD));
    for (const change of [
      { user_role: "proxy_admin" },
      { max_budget: 1_000_000 },
      { budget_duration: "1d", max_budget: 1 },
      { rpm_limit: 1_000_000 },
      { models: ["*"] },
      { metadata: { max_budget: 5 } },
    ]) {
      const res = await asSession(cookie, "/user/update", { user_id: "ana", ...change });
      expect(res.status, JSON.stringify(change)).toBe(403);
    }
    // By email instead of id: the same user, the same rule.
    const byEmail = await asSession(cookie, "/user/update", {
      user_email: "ana@example.com",
      user_role: "proxy_admin",
    });
    expect(byEmail.status).toBe(403);
    const otherUser = await asSession(cookie, "/user/update", {
      user_id: "bob",
      password: "mine now",
    });
    expect(otherUser.status).toBe(403);
    const info = await admin<{ user_info: Record<string, unknown> }>("/user/info?user_id=ana");
    expect(info.user_info).toMatchObject({ user_role: "internal_user", max_budget: null });
    // Their own alias they may change.
    expect(
      (await asSession(cookie, "/user/update", { user_id: "ana", user_alias: "Ana" })).status,
    ).toBe(200);
  });

  it("follows the user: a role change applies at once; a changed password or a deleted user ends it", async () => {
    const cookie = cookieOf(await login("bob@example.com", BOB_PASSWORD));
    await admin("/user/update", { user_id: "bob", user_role: "internal_user_viewer" });
    const viewer = await asSession(cookie, "/v2/session");
    expect(await viewer.json()).toMatchObject({ user_role: "internal_user_viewer" });
    expect((await asSession(cookie, "/key/generate", { key_alias: "x" })).status).toBe(403);

    await admin("/user/update", { user_id: "bob", password: "bob's second password" });
    expect((await asSession(cookie, "/key/list")).status).toBe(401);
    const again = cookieOf(await login("bob", "bob's second password"));
    expect((await asSession(again, "/key/list")).status).toBe(200);

    await admin("/user/delete", { user_ids: ["bob"] });
    expect((await asSession(again, "/key/list")).status).toBe(401);
    expect((await asSession(again, "/v2/session")).status).toBe(401);

    // Removing a password (null) ends the sessions it opened and the login.
    const carol = cookieOf(await login("carol", "carol's new pw"));
    await admin("/user/update", { user_id: "carol", password: null });
    expect((await asSession(carol, "/v2/session")).status).toBe(401);
    await refused("carol", "carol's new pw");
  });

  it("shows a team's service key (no user) its own key, and not its team's other keys", async () => {
    const service = await admin<{ key: string }>("/key/generate", {
      team_id: alpha,
      key_alias: "alpha-service-2",
    });
    const res = await post("/v2/login", { api_key: service.key });
    expect(res.status).toBe(200);
    const keys = (await (
      await asSession(cookieOf(res), "/key/list?return_full_object=true&size=100")
    ).json()) as { keys: { key_alias: string }[] };
    expect(keys.keys.map((k) => k.key_alias)).toEqual(["alpha-service-2"]);
  });

  it("does not let a user take another user's email, so member_add by email finds the right user", async () => {
    const mallory = await admin<{ key: string }>("/user/new", {
      user_id: "mallory",
      user_email: "mallory@example.com",
      password: "mallory's own password",
    });
    const asKey = (body: unknown) =>
      post("/user/update", body, { authorization: `Bearer ${mallory.key}` });
    const session = cookieOf(await login("mallory", "mallory's own password"));
    // Not her own email, with her key or her session (admins still may).
    for (const res of [
      await asKey({ user_id: "mallory", user_email: "newhire@example.com" }),
      await asSession(session, "/user/update", {
        user_id: "mallory",
        user_email: "newhire@example.com",
      }),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { param: "user_email" } });
    }
    // No one's email that another user already has, whatever its case.
    const taken = [
      await post(
        "/user/new",
        { user_id: "ana-twin", user_email: "ana@example.com", auto_create_key: false },
        { authorization: `Bearer ${gateway.masterKey}` },
      ),
      await post(
        "/user/update",
        { user_id: "mallory", user_email: "ANA@example.com" },
        { authorization: `Bearer ${gateway.masterKey}` },
      ),
      await post(
        "/team/member_add",
        { team_id: alpha, member: { user_id: "ana-twin", user_email: "ana@example.com" } },
        { authorization: `Bearer ${gateway.masterKey}` },
      ),
    ];
    for (const res of taken) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { param: "user_email" } });
    }
    // The admin adds the new hire by email: the new hire is the team admin, not mallory.
    await admin("/user/new", {
      user_id: "newhire",
      user_email: "newhire@example.com",
      auto_create_key: false,
    });
    await admin("/team/member_add", {
      team_id: alpha,
      member: { user_email: "newhire@example.com", role: "admin" },
    });
    const team = await admin<{
      team_info: { members_with_roles: { user_id: string; role: string }[] };
    }>(`/team/info?team_id=${alpha}`);
    const admins = team.team_info.members_with_roles.filter((m) => m.role === "admin");
    expect(admins.map((m) => m.user_id)).toEqual(["newhire"]);
    const info = await admin<{ user_info: Record<string, unknown> }>("/user/info?user_id=mallory");
    expect(info.user_info).toMatchObject({ user_email: "mallory@example.com" });
  });

  it("asks a user (not an admin) for their current password before changing it: a leaked key is not enough", async () => {
    // A key of hers (leaked, say): it acts as her, as her session does.
    const key = (await admin<{ key: string }>("/key/generate", { user_id: "mallory" })).key;
    const asKey = (body: unknown) => post("/user/update", body, { authorization: `Bearer ${key}` });
    for (const attempt of [
      { user_id: "mallory", password: "attacker's password" },
      { user_id: "mallory", password: "attacker's password", current_password: "a wrong guess" },
      { user_id: "mallory", password: null },
      { user_email: "mallory@example.com", password: "attacker's password" },
    ]) {
      const res = await asKey(attempt);
      const text = await res.text();
      expect(res.status, JSON.stringify(attempt)).toBe(403);
      expect(JSON.parse(text)).toMatchObject({ error: { param: "current_password" } });
      expect(text).not.toContain("attacker's password");
      expect(text).not.toContain("a wrong guess");
    }
    // The password is still hers; with it she may change it.
    expect((await login("mallory", "mallory's own password")).status).toBe(200);
    const right = await asKey({
      user_id: "mallory",
      password: "mallory's new password",
      current_password: "mallory's own password",
    });
    expect(right.status).toBe(200);
    expect(await right.text()).not.toContain("mallory's");
    expect((await login("mallory", "mallory's new password")).status).toBe(200);
    // An admin needs none.
    await admin("/user/update", { user_id: "mallory", password: "set by the admin" });
    expect((await login("mallory", "set by the admin")).status).toBe(200);
  });

  it("answers a non-admin the same 403 for another user and for one that does not exist", async () => {
    const cookie = cookieOf(await login("ana", ANA_PASSWORD));
    const pairs = [
      ["/user/info?user_id=nopass", "/user/info?user_id=no-such-user"],
      [
        { user_id: "nopass", user_alias: "x" },
        { user_id: "no-such-user", user_alias: "x" },
      ],
      [
        { user_email: "mallory@example.com", user_alias: "x" },
        { user_email: "no-such-user@example.com", user_alias: "x" },
      ],
    ] as const;
    for (const [other, missing] of pairs) {
      const [a, b] = await Promise.all(
        [other, missing].map((q) =>
          typeof q === "string" ? asSession(cookie, q) : asSession(cookie, "/user/update", q),
        ),
      );
      expect([a!.status, b!.status], JSON.stringify(missing)).toEqual([403, 403]);
      expect(await b!.json()).toEqual(await a!.json());
    }
    // Admins, who can list every user, still get LiteLLM's 404.
    const res = await fetch(`${gateway.url}/user/info?user_id=no-such-user`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(res.status).toBe(404);
  });

  it("throttles user logins like the admin's: after 10 refusals even the right password waits", async () => {
    expect(refusedLogins).toBeLessThan(10);
    while (refusedLogins < 10) await refused("ana", `guess ${refusedLogins}`);
    const locked = await login("ana", ANA_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("set-cookie")).toBeNull();
  });
});
