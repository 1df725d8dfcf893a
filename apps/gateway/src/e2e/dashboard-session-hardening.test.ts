import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@org/observability";
import { loadDeploymentId } from "../auth/deployment-id.ts";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Last session's security review of the dashboard, each finding attacked over HTTP: a restricted
// caller probing which key hashes exist, reading every deployment from /health, another
// deployment's cookie, and logins leaving no trail. One gateway for the file; fewer than 10 refused logins in all (the login
// throttle locks 127.0.0.1 at 10).

const DASHBOARD = { "x-dashboard-request": "1" };
const MASTER = "sk-hardening-master-0123456789";

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

describe("dashboard session hardening (review findings)", () => {
  let gateway: TestGateway;
  const lines: string[] = [];
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const call = (path: string, body: unknown, headers: Record<string, string>): Promise<Response> =>
    fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const login = (body: unknown) => call("/v2/login", body, {});

  // Two users with a key each; the restricted caller holds A's.
  let mine: { key: string; token: string };
  let theirs: { key: string; token: string; key_alias: string };
  let session: string;

  beforeAll(async () => {
    gateway = await startTestGateway({
      masterKey: MASTER,
      logger: createLogger({ write: (line) => lines.push(line) }),
      config: {
        model_list: [
          {
            model_name: "secret-group",
            litellm_params: {
              model: "openai/internal-model",
              api_key: "sk-up",
              api_base: "http://127.0.0.1:9/internal-base",
            },
            model_info: { id: "internal-deployment-1" },
          },
        ],
      },
    });
    await manage(gateway, MASTER, "/user/new", { user_id: "hardening-a" });
    await manage(gateway, MASTER, "/user/new", { user_id: "hardening-b" });
    mine = await manage(gateway, MASTER, "/key/generate", {
      user_id: "hardening-a",
      key_alias: "a-key",
    });
    theirs = await manage(gateway, MASTER, "/key/generate", {
      user_id: "hardening-b",
      key_alias: "b-key",
    });
    const res = await login({ api_key: mine.key });
    expect(res.status).toBe(200);
    session = cookieOf(res);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("a restricted caller gets one answer for another user's key and for a key that does not exist", async () => {
    const missingHash = randomBytes(32).toString("hex");
    const missingKey = `sk-${randomBytes(16).toString("hex")}`;
    const probes: Array<[string, (ref: string) => [string, unknown]]> = [
      ["info", (ref) => [`/key/info?key=${ref}`, undefined]],
      ["update", (ref) => ["/key/update", { key: ref, max_budget: 1 }]],
      ["block", (ref) => ["/key/block", { key: ref }]],
      ["unblock", (ref) => ["/key/unblock", { key: ref }]],
      ["regenerate", (ref) => ["/key/regenerate", { key: ref }]],
      ["delete", (ref) => ["/key/delete", { keys: [ref] }]],
    ];
    // As the dashboard session, and as the same key over bearer auth (one rule for both).
    for (const headers of <Array<Record<string, string>>>[
      { cookie: session, ...DASHBOARD },
      { authorization: `Bearer ${mine.key}` },
    ]) {
      for (const [action, request] of probes) {
        const answers = [];
        for (const ref of [theirs.token, missingHash, theirs.key, missingKey]) {
          const [path, body] = request(ref);
          const res = await call(path, body, headers);
          answers.push({ status: res.status, body: await res.json() });
        }
        const [theirsByHash, missingByHash, theirsByKey, missingByKey] = answers;
        expect(theirsByHash!.status, action).toBe(403);
        expect(missingByHash, action).toEqual(theirsByHash);
        expect(missingByKey, action).toEqual(theirsByKey);
        expect(JSON.stringify(answers)).not.toContain(theirs.key.slice(-4));
      }
      // By alias too: an alias that exists elsewhere and one that does not answer alike.
      const byAlias = async (alias: string) => {
        const res = await call("/key/delete", { key_aliases: [alias] }, headers);
        return { status: res.status, body: await res.json() };
      };
      const taken = await byAlias(theirs.key_alias);
      expect(taken.status).toBe(403);
      expect(await byAlias(`no-such-alias-${randomUUID()}`)).toEqual(taken);
    }
    // Nothing happened to B's key.
    const info = await manage<{ info: { blocked: boolean | null; max_budget: number | null } }>(
      gateway,
      MASTER,
      `/key/info?key=${theirs.token}`,
    );
    expect(info.info.blocked).not.toBe(true);
    expect(info.info.max_budget).toBeNull();
    // The admin, who can list every key anyway, still gets LiteLLM's 404 for a missing one.
    const admin = await call(`/key/info?key=${missingHash}`, undefined, {
      authorization: `Bearer ${MASTER}`,
    });
    expect(admin.status).toBe(404);
  });

  it("/health is for admins: a virtual key or its session gets a 403 naming no deployment", async () => {
    const adminUser = await manage<{ key: string }>(gateway, MASTER, "/user/new", {
      user_id: "hardening-admin",
      user_role: "proxy_admin",
    });
    const adminLogin = await login({ username: "admin", password: MASTER });
    for (const headers of <Array<Record<string, string>>>[
      { cookie: session, ...DASHBOARD },
      { authorization: `Bearer ${mine.key}` },
    ]) {
      const res = await call("/health", undefined, headers);
      const text = await res.text();
      expect(res.status).toBe(403);
      expect(JSON.parse(text)).toMatchObject({
        error: { type: "permission_error", code: "403" },
      });
      for (const secret of ["internal-model", "internal-base", "internal-deployment-1"]) {
        expect(text).not.toContain(secret);
      }
    }
    // The admin (master key, its dashboard session, a proxy_admin user's key) still reads it:
    // the dashboard's Models page shows health from it.
    for (const headers of <Array<Record<string, string>>>[
      { authorization: `Bearer ${MASTER}` },
      { cookie: cookieOf(adminLogin), ...DASHBOARD },
      { authorization: `Bearer ${adminUser.key}` },
    ]) {
      const res = await call("/health", undefined, headers);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { healthy_endpoints: Array<{ model_id: string }> };
      expect(body.healthy_endpoints.map((e) => e.model_id)).toContain("internal-deployment-1");
    }
    // Readiness stays open to any key (it names no deployment).
    expect(
      (await call("/health/readiness", undefined, { authorization: `Bearer ${mine.key}` })).status,
    ).toBe(200);
  });

  // A second gateway boots here (PGlite and its migrations): the default 30 s is tight on CI.
  it(
    "a cookie signed by another deployment with the same master key is refused; the deployment's own id is stable",
    { timeout: 120_000 },
    async () => {
      // Same master key, no salt, its own database (PGlite folder): another deployment. A cookie
      // from this gateway is refused there.
      const other = await startTestGateway({ masterKey: MASTER });
      try {
        const fromHere = cookieOf(await login({ username: "admin", password: MASTER }));
        const there = await fetch(`${other.url}/key/list`, {
          headers: { cookie: fromHere, ...DASHBOARD },
        });
        expect(there.status).toBe(401);
        expect(
          (await call("/key/list", undefined, { cookie: fromHere, ...DASHBOARD })).status,
        ).toBe(200);
      } finally {
        await other.close();
      }
      // Every instance on this database reads the one id its first start made (a fleet shares it).
      const first = await loadDeploymentId(gateway.gateway.db.raw);
      expect(await loadDeploymentId(gateway.gateway.db.raw)).toBe(first);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it("logs one line per login success and refusal (who, address, never the secret) and counts refusals", async () => {
    lines.length = 0;
    const wrongKey = `sk-wrong-${randomBytes(12).toString("hex")}`;
    const wrongPassword = `guess-${randomBytes(8).toString("hex")}`;
    expect((await login({ username: "admin", password: MASTER })).status).toBe(200);
    expect((await login({ api_key: mine.key })).status).toBe(200);
    expect((await login({ username: "admin", password: wrongPassword })).status).toBe(401);
    expect((await login({ api_key: wrongKey })).status).toBe(401);
    // A malformed body is no login attempt: not audited, not counted.
    expect((await login({ username: 1 })).status).toBe(400);

    const audit = logs().filter((line) => line.event === "dashboard_login");
    expect(audit).toHaveLength(4);
    const sha = (value: string) => createHash("sha256").update(value).digest("hex");
    expect(audit[0]).toMatchObject({ outcome: "success", who: "admin", method: "password" });
    expect(audit[1]).toMatchObject({
      outcome: "success",
      who: "virtual_key",
      method: "api_key",
      key_hash: mine.token,
      key_alias: "a-key",
      user_id: "hardening-a",
    });
    expect(mine.token).toBe(sha(mine.key));
    expect(audit[2]).toMatchObject({
      outcome: "failure",
      reason: "invalid_credentials",
      method: "password",
      username: "admin",
      level: "warn",
    });
    expect(audit[3]).toMatchObject({
      outcome: "failure",
      method: "api_key",
      key_hash: sha(wrongKey),
    });
    for (const line of audit) expect(line.ip).toBe("127.0.0.1");
    const everything = lines.join("\n");
    for (const secret of [MASTER, mine.key, wrongKey, wrongPassword]) {
      expect(everything).not.toContain(secret);
    }

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const count = (labels: string) =>
      Number(
        new RegExp(`^llm_gateway_dashboard_login_failures_total\\{${labels}\\} (\\d+)`, "m").exec(
          metrics,
        )?.[1] ?? "0",
      );
    expect(count('method="password",reason="invalid_credentials"')).toBe(1);
    expect(count('method="api_key",reason="invalid_credentials"')).toBe(1);
    expect(metrics).not.toContain(wrongPassword);
  });
});
