import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { loadDeploymentId } from "../auth/deployment-id.ts";
import { createSessionTokenSigner } from "../auth/session-token.ts";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The dashboard's login over HTTP: /v2/login with the master key or a virtual key, the signed
// HttpOnly cookie, the x-dashboard-request guard, and a session that ends with its key.

const DASHBOARD = { "x-dashboard-request": "1" };

/** The cookie's `name=value` from a Set-Cookie header. */
function cookieOf(res: Response): string {
  const header = res.headers.get("set-cookie") ?? "";
  return header.split(";")[0]!;
}

describe("dashboard sessions over HTTP", () => {
  let gateway: TestGateway;
  let upstream: FakeServer;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers });
  const loginAdmin = async () => {
    const res = await post("/v2/login", { username: "admin", password: gateway.masterKey });
    expect(res.status).toBe(200);
    return cookieOf(res);
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    upstream.setDefault(openaiError(500));
    gateway = await startTestGateway({
      masterKey: "sk-dashboard-master-0123456789",
      config: {
        model_list: [
          {
            model_name: "broken",
            litellm_params: {
              model: "openai/broken",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
            },
            model_info: { id: "broken-1" },
          },
        ],
        router_settings: { allowed_fails: 1, cooldown_time: 600, num_retries: 0 },
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("logs the admin in with the master key: an HttpOnly, SameSite=Strict cookie without the key", async () => {
    const res = await post("/v2/login", { username: "admin", password: gateway.masterKey });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      user_role: "proxy_admin",
      user_id: null,
      key_alias: null,
      team_id: null,
    });
    const expires = Date.parse(body.expires_at as string);
    expect(expires).toBeGreaterThan(Date.now() + 7.9 * 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 8 * 3600_000 + 1000);

    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^litellm_session=[^;]+;/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=28800/);
    expect(setCookie).not.toMatch(/Secure/i);
    // Neither the key nor anything decodable to it is in the cookie.
    const token = decodeURIComponent(cookieOf(res).split("=")[1]!);
    const decoded = token
      .split(".")
      .map((part) => Buffer.from(part, "base64url").toString("latin1"))
      .join(" ");
    expect(token + decoded).not.toContain(gateway.masterKey);

    const cookie = cookieOf(res);
    const session = await get("/v2/session", { cookie, ...DASHBOARD });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual(body);
    const keys = await get("/key/list", { cookie, ...DASHBOARD });
    expect(keys.status).toBe(200);
  });

  it("marks the cookie Secure when the request came over https (behind a proxy)", async () => {
    const res = await post(
      "/v2/login",
      { username: "admin", password: gateway.masterKey },
      { "x-forwarded-proto": "https" },
    );
    expect(res.headers.get("set-cookie")).toMatch(/; Secure/i);
  });

  it("refuses wrong credentials with 401 and bad bodies with 400, never echoing what was sent", async () => {
    for (const body of [
      { username: "admin", password: "sk-dashboard-master-0123456788" },
      { username: "root", password: "sk-dashboard-master-0123456789" },
      { username: "admin", password: "" },
      { api_key: "sk-not-a-real-key-4242" },
      { api_key: "not-even-sk" },
    ]) {
      const res = await post("/v2/login", body);
      const text = await res.text();
      expect(res.status, JSON.stringify(body)).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(JSON.parse(text)).toMatchObject({ error: { type: "authentication_error" } });
      expect(text).not.toContain("4242");
      expect(text).not.toContain("sk-dashboard-master");
    }
    for (const raw of ["{", "[]", JSON.stringify({ username: 1, password: 2 }), "{}"]) {
      const res = await fetch(`${gateway.url}/v2/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw,
      });
      expect(res.status, raw).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    }
  });

  it("never echoes a password or key from a malformed login body", async () => {
    // JSON.parse's own message quotes the text around the error: here, the secret. An `sk-`
    // key is redacted from every error, but a UI_PASSWORD has no recognisable shape.
    for (const raw of [
      '{"username":"admin","password": hunter2-secret}',
      '{"username":"admin","password": "hunter2-secret" "x"}',
      '{"api_key": sk-hunter2-secret}',
      '{"password":"hunter2-secret",}',
    ]) {
      const res = await fetch(`${gateway.url}/v2/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw,
      });
      const text = await res.text();
      expect(res.status, raw).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { type: "invalid_request_error" } });
      expect(text, raw).not.toContain("hunter2");
    }
  });

  it("refuses a cross-site form posting to /v2/login or /v2/logout (login CSRF)", async () => {
    // A form can send text/plain or urlencoded, never JSON nor a custom header, without CORS.
    const textPlainJson = `{"api_key":"${gateway.masterKey}","x":"="}`;
    for (const [contentType, body] of [
      ["text/plain", textPlainJson],
      ["application/x-www-form-urlencoded", `username=admin&password=${gateway.masterKey}`],
      ["multipart/form-data; boundary=x", textPlainJson],
    ] as const) {
      const login = await fetch(`${gateway.url}/v2/login`, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      expect(login.status, contentType).toBe(400);
      expect(login.headers.get("set-cookie"), contentType).toBeNull();
      expect(await login.json()).toMatchObject({ error: { type: "invalid_request_error" } });
      const logout = await fetch(`${gateway.url}/v2/logout`, {
        method: "POST",
        headers: { "content-type": contentType },
        body: "a=b",
      });
      expect(logout.status, contentType).toBe(400);
      expect(logout.headers.get("set-cookie"), contentType).toBeNull();
    }
    // What the dashboard sends: the header, JSON only with a body.
    const ok = await fetch(`${gateway.url}/v2/logout`, { method: "POST", headers: DASHBOARD });
    expect(ok.status).toBe(200);
  });

  it("has no CORS policy another origin could use to send x-dashboard-request with the cookie", async () => {
    const preflight = await fetch(`${gateway.url}/key/list`, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "x-dashboard-request",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-headers")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const cookie = await loginAdmin();
    const read = await get("/key/list", { cookie, ...DASHBOARD, origin: "https://evil.example" });
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("accepts the cookie only with the x-dashboard-request header, and only on management routes", async () => {
    const cookie = await loginAdmin();
    const noHeader = await get("/key/list", { cookie });
    expect(noHeader.status).toBe(401);
    expect(await noHeader.text()).toContain("x-dashboard-request");
    const wrongValue = await get("/key/list", { cookie, "x-dashboard-request": "true" });
    expect(wrongValue.status).toBe(401);
    // A form POST from another site: cookie (if the browser sent it) but no custom header.
    const form = await fetch(`${gateway.url}/key/generate`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "key_alias=evil",
    });
    expect(form.status).toBe(401);
    // Never the model routes: a session cannot spend.
    const chat = await post(
      "/v1/chat/completions",
      { model: "mock", messages: [{ role: "user", content: "hi" }] },
      { cookie, ...DASHBOARD },
    );
    expect(chat.status).toBe(401);
    // A bearer key still works exactly as before, cookie or not.
    const bearer = await get("/key/list", { authorization: `Bearer ${gateway.masterKey}` });
    expect(bearer.status).toBe(200);
  });

  it("refuses a tampered, forged or expired token", async () => {
    const cookie = await loginAdmin();
    const [name, value] = cookie.split("=") as [string, string];
    const [version, payload, mac] = decodeURIComponent(value).split(".") as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<
      string,
      unknown
    >;
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...claims, exp: (claims.exp as number) + 86_400 * 365 }),
    ).toString("base64url");
    const flippedMac = (mac[0] === "A" ? "B" : "A") + mac.slice(1);
    const otherSecret = createSessionTokenSigner({ masterKey: "sk-someone-elses-master" }).sign({
      sub: "master",
      role: "proxy_admin",
      exp: Math.floor(Date.now() / 1000) + 3600,
      iat: Math.floor(Date.now() / 1000),
    });
    // Signed as this gateway signs (its master key and deployment id), only expired: the same
    // signer's unexpired token is accepted, so the refusal below is the expiry's.
    const signer = createSessionTokenSigner({
      masterKey: gateway.masterKey,
      scope: await loadDeploymentId(gateway.gateway.db.raw),
    });
    const fresh = signer.sign({
      sub: "master",
      role: "proxy_admin",
      exp: Math.floor(Date.now() / 1000) + 3600,
      iat: Math.floor(Date.now() / 1000),
    });
    expect((await get("/key/list", { cookie: `${name}=${fresh}`, ...DASHBOARD })).status).toBe(200);
    const expired = signer.sign({
      sub: "master",
      role: "proxy_admin",
      exp: Math.floor(Date.now() / 1000) - 1,
      iat: Math.floor(Date.now() / 1000) - 3600,
    });
    for (const token of [
      `${version}.${forgedPayload}.${mac}`,
      `${version}.${payload}.${flippedMac}`,
      `${version}.${payload}`,
      // Base64url decoding skips characters outside its alphabet: the token must be canonical.
      `${version}.${payload}.${mac}*`,
      `${version}.${payload}.*${mac}`,
      `v2.${payload}.${mac}`,
      otherSecret,
      expired,
      "garbage",
      "",
    ]) {
      const res = await get("/key/list", { cookie: `${name}=${token}`, ...DASHBOARD });
      expect(res.status, token).toBe(401);
    }
    // The untouched token still works: the refusals above are about the changes.
    expect((await get("/key/list", { cookie, ...DASHBOARD })).status).toBe(200);
  });

  it("logs a virtual key in for a restricted view; blocking or deleting the key ends the session", async () => {
    const team = await manage<{ team_id: string }>(gateway, gateway.masterKey, "/team/new", {
      team_alias: "dash-team",
    });
    await manage(gateway, gateway.masterKey, "/user/new", { user_id: "dash-user" });
    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      key_alias: "dash-key",
      team_id: team.team_id,
      user_id: "dash-user",
    });
    const res = await post("/v2/login", { api_key: key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      user_role: "internal_user",
      user_id: "dash-user",
      key_alias: "dash-key",
      team_id: team.team_id,
    });
    const cookie = cookieOf(res);
    expect(decodeURIComponent(cookie)).not.toContain(key);
    expect(decodeURIComponent(cookie)).not.toContain(key.slice(3));
    expect((await get("/v2/session", { cookie, ...DASHBOARD })).status).toBe(200);
    // Restricted: the session is the key's identity, not an admin's.
    expect((await get("/user/list", { cookie, ...DASHBOARD })).status).toBe(403);

    await manage(gateway, gateway.masterKey, "/key/block", { key });
    expect((await get("/v2/session", { cookie, ...DASHBOARD })).status).toBe(401);
    expect((await get("/key/info", { cookie, ...DASHBOARD })).status).toBe(401);
    await manage(gateway, gateway.masterKey, "/key/unblock", { key });
    expect((await get("/v2/session", { cookie, ...DASHBOARD })).status).toBe(200);

    await manage(gateway, gateway.masterKey, "/key/delete", { keys: [key] });
    expect((await get("/v2/session", { cookie, ...DASHBOARD })).status).toBe(401);
    // And it cannot log in again.
    expect((await post("/v2/login", { api_key: key })).status).toBe(401);
  });

  it("shows a deployment's cooldown in /model/info (in_cooldown, cooldown_until) to the session", async () => {
    const cookie = await loginAdmin();
    type Info = {
      data: { model_info: { id: string; in_cooldown: boolean; cooldown_until: string | null } }[];
    };
    const info = async () => {
      const res = await get("/model/info", { cookie, ...DASHBOARD });
      expect(res.status).toBe(200);
      return ((await res.json()) as Info).data.find((d) => d.model_info.id === "broken-1")!
        .model_info;
    };
    expect(await info()).toMatchObject({ in_cooldown: false, cooldown_until: null });
    // Failures past allowed_fails put the only deployment in cooldown (the router's own rule).
    for (let i = 0; i < 5 && !(await info()).in_cooldown; i++) {
      await post(
        "/v1/chat/completions",
        { model: "broken", messages: [{ role: "user", content: "hi" }] },
        { authorization: `Bearer ${gateway.masterKey}` },
      );
    }
    const cooled = await info();
    expect(cooled.in_cooldown).toBe(true);
    expect(Date.parse(cooled.cooldown_until!)).toBeGreaterThan(Date.now());
  });

  it("logs out: the cookie is cleared, and /v2/session without one is a 401", async () => {
    const res = await post("/v2/logout", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const cleared = res.headers.get("set-cookie")!;
    expect(cleared).toMatch(/^litellm_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect((await get("/v2/session", DASHBOARD)).status).toBe(401);
    // A bearer key is not a session either.
    const bearer = await get("/v2/session", {
      authorization: `Bearer ${gateway.masterKey}`,
      ...DASHBOARD,
    });
    expect(bearer.status).toBe(401);
  });

  it("logout ends the session: the same cookie replayed afterwards is refused", async () => {
    const cookie = await loginAdmin();
    const other = await loginAdmin();
    expect((await get("/key/list", { cookie, ...DASHBOARD })).status).toBe(200);
    const out = await fetch(`${gateway.url}/v2/logout`, {
      method: "POST",
      headers: { cookie, ...DASHBOARD },
    });
    expect(out.status).toBe(200);
    // A copy of the cookie (stolen, or kept by a tool) does not outlive the logout.
    expect((await get("/key/list", { cookie, ...DASHBOARD })).status).toBe(401);
    expect((await get("/v2/session", { cookie, ...DASHBOARD })).status).toBe(401);
    // Another session of the same admin is its own: it stays.
    expect((await get("/key/list", { cookie: other, ...DASHBOARD })).status).toBe(200);
  });

  it("a restricted session refused another user's key learns nothing of that key's secret", async () => {
    await manage(gateway, gateway.masterKey, "/user/new", { user_id: "review-a" });
    await manage(gateway, gateway.masterKey, "/user/new", { user_id: "review-b" });
    const mine = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      user_id: "review-a",
    });
    const theirs = await manage<{ key: string; token: string }>(
      gateway,
      gateway.masterKey,
      "/key/generate",
      { user_id: "review-b" },
    );
    const login = await post("/v2/login", { api_key: mine.key });
    const cookie = cookieOf(login);
    // Asked by hash (seen in spend logs and metrics): the refusal must not print `sk-...<last 4>`.
    const info = await get(`/key/info?key=${theirs.token}`, { cookie, ...DASHBOARD });
    expect(info.status).toBe(403);
    expect(await info.text()).not.toContain(theirs.key.slice(-4));
    const update = await post(
      "/key/update",
      { key: theirs.token, max_budget: 1 },
      { cookie, ...DASHBOARD },
    );
    expect(update.status).toBe(403);
    expect(await update.text()).not.toContain(theirs.key.slice(-4));
  });

  // Last in the file: it locks this test client's address out of /v2/login for the window.
  it("locks an address out of /v2/login after repeated wrong passwords, even for a right one", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post("/v2/login", { username: "admin", password: `guess-${i}` });
      statuses.push(res.status);
      if (res.status === 429) break;
    }
    // Earlier tests in this file refused a few logins from this address too: they count.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);

    // The right password now changes nothing: no cookie, and no hint that it was right.
    const right = await post("/v2/login", { username: "admin", password: gateway.masterKey });
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await right.json()).toMatchObject({
      error: { type: "rate_limit_error", code: "too_many_login_attempts" },
    });
    expect((await post("/v2/login", { api_key: gateway.masterKey })).status).toBe(429);
    // API keys are not behind the login's lock.
    const bearer = await get("/key/list", { authorization: `Bearer ${gateway.masterKey}` });
    expect(bearer.status).toBe(200);
  });
});
