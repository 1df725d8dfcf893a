import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "@org/db";
import { hashKey } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { gpt4oAtFixedPrice } from "../testing/priced-upstream.ts";

// Role boundaries over HTTP with real keys, as LiteLLM draws them: proxy admin (master key or a
// proxy_admin user), proxy_admin_viewer (reads all, writes nothing), team admin (their team's
// keys and members, not its budget or models), team member and internal user (their own keys and
// spend), and a plain key with no user (no management at all). Each refusal is a 403 in OpenAI's
// error envelope. Then the database is searched for any plaintext key.

const UPSTREAM_SECRET = "sk-upstream-credential-never-stored-in-plaintext";

interface Reply {
  status: number;
  body: Record<string, unknown> & { error?: Record<string, unknown> };
}

describe("management roles over HTTP", () => {
  let upstream: FakeServer;
  /** Answers only with the credential a model added through /model/new carries. */
  let guarded: FakeServer;
  let gateway: TestGateway;
  /** Every plaintext key handed out in this file, for the storage check. */
  const issued: string[] = [];
  const keys: Record<string, string> = {};
  /** Keys created by the master key in each team (owned by no user). */
  let teamAKey: string;
  let teamBKey: string;

  const as = async (key: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const reply = { status: res.status, body: (await res.json()) as Reply["body"] };
    if (typeof reply.body.key === "string" && reply.body.key.startsWith("sk-")) {
      issued.push(reply.body.key);
    }
    return reply;
  };
  const master = (path: string, body?: unknown) => as(gateway.masterKey, path, body);
  const ok = async (reply: Promise<Reply>): Promise<Reply["body"]> => {
    const { status, body } = await reply;
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  /** A refusal: the status, and OpenAI's envelope with all four fields and a message saying why. */
  const refused = async (reply: Promise<Reply>, status = 403): Promise<string> => {
    const { status: got, body } = await reply;
    expect(got, JSON.stringify(body)).toBe(status);
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error!).sort()).toEqual(["code", "message", "param", "type"]);
    const message = body.error!.message as string;
    expect(message.length).toBeGreaterThan(10);
    return message;
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    guarded = await startFakeOpenAI({ apiKey: UPSTREAM_SECRET });
    gateway = await startTestGateway({
      env: { LITELLM_SALT_KEY: "salt-for-roles-tests-0123456789" },
      config: {
        model_list: [gpt4oAtFixedPrice(upstream)],
      },
    });
    issued.push(gateway.masterKey);
    await ok(master("/team/new", { team_id: "team-a", max_budget: 100 }));
    await ok(master("/team/new", { team_id: "team-b" }));
    const user = async (id: string, role: string) =>
      (await ok(master("/user/new", { user_id: id, user_role: role }))).key as string;
    keys.adminUser = await user("admin-user", "proxy_admin");
    keys.viewer = await user("viewer", "proxy_admin_viewer");
    keys.teamAdmin = await user("team-a-admin", "internal_user");
    keys.member = await user("team-a-member", "internal_user");
    keys.otherMember = await user("team-a-member-2", "internal_user");
    keys.teamBMember = await user("team-b-member", "internal_user");
    keys.solo = await user("solo", "internal_user");
    for (const [team, userId, role] of [
      ["team-a", "team-a-admin", "admin"],
      ["team-a", "team-a-member", "user"],
      ["team-a", "team-a-member-2", "user"],
      ["team-b", "team-b-member", "user"],
    ] as const) {
      await ok(master("/team/member_add", { team_id: team, member: { user_id: userId, role } }));
    }
    keys.plain = (await ok(master("/key/generate", {}))).key as string;
    teamAKey = (await ok(master("/key/generate", { team_id: "team-a" }))).key as string;
    teamBKey = (await ok(master("/key/generate", { team_id: "team-b" }))).key as string;

    // Spend of team B (and of the team B member) that nobody outside team B may read.
    for (const key of [teamBKey, keys.teamBMember!]) {
      await new OpenAI({
        baseURL: gateway.baseURL,
        apiKey: key,
        maxRetries: 0,
      }).chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "team b secret work" }],
      });
    }
    await gateway.gateway.budgets.flushSpendNow();
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await guarded?.close();
  });

  it("proxy admin (master key): every management route", async () => {
    await ok(master("/key/generate", { team_id: "team-b" }));
    await ok(master("/team/new", {}));
    await ok(master("/user/new", { user_id: "made-by-master" }));
    expect(
      (await ok(master("/spend/logs?team_id=team-b"))) as unknown as unknown[],
    ).not.toHaveLength(0);
    await ok(master("/global/spend/report?start_date=2000-01-01&end_date=2100-01-01"));
  });

  it("admin user (a user with user_role proxy_admin): as the master key", async () => {
    const admin = keys.adminUser!;
    await ok(as(admin, "/team/new", { team_alias: "made-by-admin-user" }));
    await ok(as(admin, "/user/new", { user_id: "made-by-admin-user" }));
    await ok(as(admin, "/key/update", { key: teamBKey, key_alias: "renamed-by-admin-user" }));
    await ok(as(admin, "/team/update", { team_id: "team-b", max_budget: 50 }));
    await ok(as(admin, "/global/spend/report?start_date=2000-01-01&end_date=2100-01-01"));
  });

  it("proxy_admin_viewer: reads everything, writes nothing", async () => {
    const viewer = keys.viewer!;
    const list = await ok(as(viewer, "/key/list"));
    expect(list.keys).toContain(hashKey(teamBKey));
    await ok(as(viewer, `/key/info?key=${teamBKey}`));
    await ok(as(viewer, "/team/info?team_id=team-b"));
    await ok(as(viewer, "/spend/logs?team_id=team-b"));
    await ok(as(viewer, "/global/spend/report?start_date=2000-01-01&end_date=2100-01-01"));

    expect(await refused(as(viewer, "/key/generate", {}))).toContain("read-only");
    await refused(as(viewer, "/key/update", { key: teamBKey, max_budget: 1 }));
    await refused(as(viewer, "/key/delete", { keys: [teamBKey] }));
    await refused(as(viewer, "/team/new", {}));
    await refused(as(viewer, "/team/update", { team_id: "team-b", team_alias: "x" }));
    await refused(as(viewer, "/user/new", { user_id: "made-by-viewer" }));
    // Nothing was written: the key still works and kept its alias.
    const info = await ok(master(`/key/info?key=${teamBKey}`));
    expect((info.info as { max_budget: unknown }).max_budget).toBeNull();
  });

  it("team admin: manages their team's keys and members, not another team's, nor the team's budget or models", async () => {
    const admin = keys.teamAdmin!;
    // Keys in their team, for themselves or for a member.
    const own = await ok(as(admin, "/key/generate", { team_id: "team-a" }));
    expect(own.user_id).toBe("team-a-admin");
    const forMember = await ok(
      as(admin, "/key/generate", { team_id: "team-a", user_id: "team-a-member" }),
    );
    expect(forMember.team_id).toBe("team-a");
    // Any key of their team, including one the master key made.
    await ok(as(admin, `/key/info?key=${teamAKey}`));
    await ok(as(admin, "/key/update", { key: teamAKey, key_alias: "renamed-by-team-admin" }));
    await ok(as(admin, "/key/delete", { keys: [forMember.key] }));
    await ok(as(admin, "/team/update", { team_id: "team-a", team_alias: "Team A" }));
    await ok(
      as(admin, "/team/member_add", {
        team_id: "team-a",
        member: { user_id: "added-by-team-admin", role: "user" },
      }),
    );

    // Another team's keys: not even readable.
    await refused(as(admin, `/key/info?key=${teamBKey}`));
    await refused(as(admin, "/key/update", { key: teamBKey, key_alias: "x" }));
    await refused(as(admin, "/key/delete", { keys: [teamBKey] }));
    await refused(as(admin, "/key/generate", { team_id: "team-b" }));
    await refused(
      as(admin, "/team/member_add", { team_id: "team-b", member: { user_id: "x", role: "user" } }),
    );
    // Their own team's money and access stay with proxy admins.
    expect(
      await refused(as(admin, "/team/update", { team_id: "team-a", max_budget: 1000 })),
    ).toContain("max_budget");
    await refused(as(admin, "/team/update", { team_id: "team-a", models: ["gpt-4o"] }));
    await refused(as(admin, "/team/update", { team_id: "team-a", budget_duration: "1d" }));
    await refused(as(admin, "/team/block", { team_id: "team-a" }));
    const team = await ok(master("/team/info?team_id=team-a"));
    expect((team.team_info as { max_budget: unknown }).max_budget).toBe(100);
    // Nor admin routes.
    await refused(as(admin, "/team/new", {}));
    await refused(as(admin, "/global/spend/report?start_date=2000-01-01&end_date=2100-01-01"));
  });

  it("team member (role user): own keys in the team; never another team's keys or spend", async () => {
    const member = keys.member!;
    // LiteLLM's default key_generation_settings let team members ("admin" and "user") create team
    // keys for themselves.
    const own = await ok(as(member, "/key/generate", { team_id: "team-a" }));
    expect(own.user_id).toBe("team-a-member");
    await ok(as(member, "/key/update", { key: own.key, key_alias: "mine" }));
    await refused(as(member, "/key/generate", { team_id: "team-a", user_id: "team-a-member-2" }));
    await refused(as(member, "/key/generate", { team_id: "team-b" }));

    // Another team's keys and spend.
    await refused(as(member, `/key/info?key=${teamBKey}`));
    await refused(as(member, `/key/info?key=${keys.teamBMember}`));
    await refused(as(member, "/team/info?team_id=team-b"));
    await refused(as(member, "/spend/logs?user_id=team-b-member"));
    // A filter naming team B still only shows the caller's own rows: none.
    expect(await ok(as(member, "/spend/logs?team_id=team-b"))).toEqual([]);
    const listed = (await ok(as(member, "/key/list"))).keys as string[];
    expect(listed).not.toContain(hashKey(teamBKey));
    expect(listed).not.toContain(hashKey(keys.teamBMember!));
    await refused(as(member, "/global/spend/report?start_date=2000-01-01&end_date=2100-01-01"));

    // Team keys it does not own (LiteLLM: team members get /key/info and /key/health on their
    // team's keys only with permission; writes need the team admin).
    await refused(as(member, "/key/update", { key: teamAKey, key_alias: "x" }));
    await refused(as(member, "/key/delete", { keys: [teamAKey] }));
    await refused(as(member, "/team/update", { team_id: "team-a", team_alias: "x" }));
    await refused(
      as(member, "/team/member_add", { team_id: "team-a", member: { user_id: "x", role: "user" } }),
    );
  });

  it("internal_user: creates, updates and deletes their own keys only", async () => {
    const solo = keys.solo!;
    const own = await ok(as(solo, "/key/generate", { key_alias: "solo-1" }));
    expect(own.user_id).toBe("solo");
    await ok(as(solo, "/key/update", { key: own.key, key_alias: "solo-renamed" }));
    // Its limits are an admin's (management-permissions*.test.ts has the whole table).
    await refused(as(solo, "/key/update", { key: own.key, max_budget: 5 }));
    await ok(as(solo, `/key/info?key=${own.key}`));
    await ok(as(solo, "/key/delete", { keys: [own.key] }));

    await refused(as(solo, "/key/generate", { user_id: "team-a-member" }));
    await refused(as(solo, `/key/info?key=${keys.member}`));
    await refused(as(solo, "/key/update", { key: keys.member, max_budget: 1 }));
    await refused(as(solo, "/key/delete", { keys: [teamBKey] }));
    await refused(as(solo, "/team/new", {}));
    await refused(as(solo, "/user/new", { user_id: "made-by-solo" }));
    await refused(as(solo, "/user/update", { user_id: "solo", user_role: "proxy_admin" }));
    await refused(as(solo, "/spend/logs?user_id=team-b-member"));
  });

  it("a plain virtual key (no user, no admin role): 403 on every management route", async () => {
    const plain = keys.plain!;
    const before = (await ok(master("/key/list"))).total_count;
    for (const [path, body] of [
      ["/key/generate", {}],
      ["/team/new", {}],
      ["/user/new", { user_id: "made-by-plain-key" }],
      ["/spend/logs", undefined],
      ["/global/spend/report?start_date=2000-01-01&end_date=2100-01-01", undefined],
      ["/key/update", { key: teamAKey, max_budget: 1 }],
      ["/customer/new", { user_id: "made-by-plain-key" }],
    ] as const) {
      await refused(as(plain, path, body));
    }
    expect((await ok(master("/key/list"))).total_count).toBe(before);
    // It may read its own info (LiteLLM: a key always can; without `key`, the caller's own), and
    // no other key's.
    const self = await ok(as(plain, `/key/info?key=${plain}`));
    expect((self.info as { key_name: string }).key_name).toBe(`sk-...${plain.slice(-4)}`);
    const implicit = await ok(as(plain, "/key/info"));
    expect(implicit.info).toEqual(self.info);
    await refused(as(plain, `/key/info?key=${teamAKey}`));
    // It can still make model calls.
    await expect(
      new OpenAI({
        baseURL: gateway.baseURL,
        apiKey: plain,
        maxRetries: 0,
      }).chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).resolves.toBeTruthy();
  });

  it("a provider credential added with /model/new is stored encrypted, never returned, and used", async () => {
    const created = await ok(
      master("/model/new", {
        model_name: "runtime-model",
        litellm_params: {
          model: "openai/gpt-4o",
          api_key: UPSTREAM_SECRET,
          api_base: `${guarded.url}/v1`,
        },
      }),
    );
    expect(JSON.stringify(created)).not.toContain(UPSTREAM_SECRET);
    // Only proxy admins add models.
    await refused(
      as(keys.teamAdmin!, "/model/new", {
        model_name: "x",
        litellm_params: { model: "openai/x", api_key: "k" },
      }),
    );
    // The upstream refuses any other credential, so an answer proves the gateway decrypted it.
    const reply = await new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: keys.plain!,
      maxRetries: 0,
    }).chat.completions.create({
      model: "runtime-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(reply.choices[0]?.message.content).toBe("echo: hi");
    issued.push(UPSTREAM_SECRET);
  });

  it("the database never holds a plaintext key, only its SHA-256", async () => {
    await gateway.gateway.budgets.flushSpendNow();
    const db = gateway.gateway.db.db;
    const tables = await executeRows<{ name: string }>(
      db,
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["virtual_keys", "deleted_virtual_keys", "spend_logs"]),
    );
    const secrets = [...new Set(issued)];
    expect(secrets.length).toBeGreaterThan(15);
    let rowsSeen = 0;
    for (const { name } of tables) {
      // Every column of every row, as text (json included).
      const rows = await executeRows<{ row: string }>(db, `select t::text as row from "${name}" t`);
      rowsSeen += rows.length;
      for (const { row } of rows) {
        for (const secret of secrets) {
          expect(row.includes(secret), `${name} holds a plaintext key`).toBe(false);
        }
      }
    }
    expect(rowsSeen).toBeGreaterThan(20);
    // The credential is there, as cipher text.
    const models = await executeRows<{ row: string }>(
      db,
      "select t::text as row from proxy_models t",
    );
    expect(models).toHaveLength(1);
    const hashes = await executeRows<{ token_hash: string }>(
      db,
      "select token_hash from virtual_keys",
    );
    expect(hashes.map((h) => h.token_hash)).toContain(hashKey(teamBKey));
  });
});

describe("model credentials without LITELLM_SALT_KEY", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("/model/new with an api_key is refused, saying why, and nothing is stored", async () => {
    const res = await fetch(`${gateway.url}/model/new`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model_name: "m",
        litellm_params: { model: "openai/gpt-4o", api_key: "sk-would-be-plaintext" },
      }),
    });
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(res.status).toBe(400);
    expect(body.error.message).toContain("LITELLM_SALT_KEY is not set");
    expect(body.error.message).not.toContain("sk-would-be-plaintext");
    const rows = await executeRows(gateway.gateway.db.db, "select * from proxy_models");
    expect(rows).toHaveLength(0);
  });
});
