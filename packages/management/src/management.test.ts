import { auditLogs, createDb, proxyModels, teams, virtualKeys, type Database } from "@org/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAuthenticator,
  createBudgetResetJob,
  createDbEndUserSource,
  createDbKeySource,
  createDbSpendWriter,
  createEndUserDirectory,
  createFakeClock,
  createMemoryKeyInvalidationBus,
  hashKey,
  resetDueBudgets,
} from "@org/budgets";
import { spendRecord } from "./__fixtures__/spend-records.ts";
import { callerFrom, type Caller } from "./caller.ts";
import { createManagement, type Management } from "./create-management.ts";

// One embedded PostgreSQL (PGlite) for the file: the management functions against real SQL.
let database: Database;
let m: Management;
const bus = createMemoryKeyInvalidationBus();
const clock = createFakeClock(Date.UTC(2025, 2, 12, 10, 0, 0));
const admin: Caller = callerFrom({ kind: "master", keyHash: hashKey("sk-master") });
const as = (
  userId: string,
  role: Caller["role"] = "internal_user",
  organizationId?: string,
): Caller => ({
  role,
  userId,
  organizationId,
  keyHash: hashKey(`sk-${userId}`),
});

beforeAll(async () => {
  database = await createDb({});
  await database.migrate();
  m = createManagement({ db: database.db, bus, clock, saltKey: "test-salt-key-0123456789" });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

const count = async (table: typeof virtualKeys | typeof auditLogs) =>
  (await database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

describe("keys", () => {
  it("generates a key shown once: only its hash is stored", async () => {
    const res = await m.keys.generate(admin, {
      key_alias: "ci",
      duration: "30d",
      models: ["gpt-4o"],
      max_budget: 5,
    });
    expect(res.key).toMatch(/^sk-[A-Za-z0-9_-]{22}$/);
    expect(res.key_name).toBe(`sk-...${res.key.slice(-4)}`);
    expect(res.token_id).toBe(hashKey(res.key));
    expect(res.expires).toBe(new Date(clock.now() + 30 * 86_400_000).toISOString());
    expect(res).toMatchObject({
      key_alias: "ci",
      models: ["gpt-4o"],
      max_budget: 5,
      created_by: "litellm_proxy_admin",
    });
    const dump = JSON.stringify(await database.db.select().from(virtualKeys));
    expect(dump).not.toContain(res.key);
    expect(dump).toContain(hashKey(res.key));
  });

  it("authenticates a generated key from the database, and refuses it once deleted", async () => {
    const auth = createAuthenticator({ source: createDbKeySource(database.db), bus });
    const { key } = await m.keys.generate(admin, { rpm_limit: 10 });
    await expect(auth.authenticate(key)).resolves.toMatchObject({
      kind: "virtual_key",
      keyHash: hashKey(key),
    });
    await m.keys.delete(admin, { keys: [key] });
    await expect(Promise.resolve().then(() => auth.authenticate(key))).rejects.toThrow(
      /was deleted/,
    );
  });

  it("updates, blocks and unblocks, with audit rows and immediate effect", async () => {
    const auth = createAuthenticator({ source: createDbKeySource(database.db), bus });
    const { key, token_id } = await m.keys.generate(admin, {});
    await auth.authenticate(key);
    const updated = await m.keys.update(admin, {
      key: token_id,
      max_budget: 2,
      budget_duration: "1d",
      model_rpm_limit: { "gpt-4o": 3 },
    });
    expect(updated).toMatchObject({
      max_budget: 2,
      budget_duration: "1d",
      model_rpm_limit: { "gpt-4o": 3 },
    });
    expect(updated.budget_reset_at).toBe("2025-03-13T00:00:00.000Z");
    await m.keys.setBlocked(admin, { key }, true);
    await expect(Promise.resolve().then(() => auth.authenticate(key))).rejects.toThrow(
      /Key is blocked/,
    );
    await m.keys.setBlocked(admin, { key }, false);
    await expect(auth.authenticate(key)).resolves.toMatchObject({ kind: "virtual_key" });
    const actions = await database.db
      .select({ a: auditLogs.action })
      .from(auditLogs)
      .where(eq(auditLogs.objectId, (updated as { key_id: string }).key_id));
    expect(actions.map((r) => r.a)).toEqual(["created", "updated", "blocked", "unblocked"]);
    const info = await m.keys.info(admin, { key });
    expect(info).toMatchObject({ key, info: { max_budget: 2, blocked: false } });
    expect(info.info).not.toHaveProperty("key");
  });

  it("regenerates: same key id and limits, new value; the old one is reported as rotated", async () => {
    const auth = createAuthenticator({ source: createDbKeySource(database.db), bus });
    const old = await m.keys.generate(admin, { max_budget: 7 });
    const fresh = await m.keys.regenerate(admin, { key: old.key });
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.key_id).toBe(old.key_id);
    expect(fresh.max_budget).toBe(7);
    await expect(auth.authenticate(fresh.key)).resolves.toMatchObject({ keyId: old.key_id });
    await expect(Promise.resolve().then(() => auth.authenticate(old.key))).rejects.toThrow(
      /was regenerated/,
    );
  });

  it("lists keys: hashes by default, full objects on request, paginated", async () => {
    await m.users.create(admin, { user_id: "lister", auto_create_key: false });
    for (let i = 0; i < 3; i++) await m.keys.generate(admin, { user_id: "lister" });
    const page = await m.keys.list(admin, { user_id: "lister", size: 2 });
    expect(page).toMatchObject({ total_count: 3, current_page: 1, total_pages: 2 });
    expect(page.keys).toHaveLength(2);
    expect(page.keys[0]).toMatch(/^[0-9a-f]{64}$/);
    const full = await m.keys.list(admin, { user_id: "lister", return_full_object: "true" });
    expect(full.keys[0]).toMatchObject({ user_id: "lister" });
  });

  it("a failed create changes nothing (no key, no audit row)", async () => {
    const keysBefore = await count(virtualKeys);
    const auditBefore = await count(auditLogs);
    await expect(m.keys.generate(admin, { team_id: "no-such-team" })).rejects.toMatchObject({
      status: 400,
    });
    await expect(m.keys.generate(admin, { budget_duration: "1y" })).rejects.toMatchObject({
      status: 400,
    });
    expect(await count(virtualKeys)).toBe(keysBefore);
    expect(await count(auditLogs)).toBe(auditBefore);
  });

  it("deletes all named keys or none", async () => {
    const a = await m.keys.generate(admin, {});
    await expect(
      m.keys.delete(admin, { keys: [a.key, "sk-does-not-exist"] }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(m.keys.info(admin, { key: a.key })).resolves.toBeTruthy();
  });
});

describe("roles", () => {
  beforeAll(async () => {
    await m.users.create(admin, { user_id: "alice", auto_create_key: false });
    await m.users.create(admin, { user_id: "bob", auto_create_key: false });
    await m.users.create(admin, {
      user_id: "viewer",
      user_role: "proxy_admin_viewer",
      auto_create_key: false,
    });
    await m.teams.create(admin, {
      team_id: "search",
      members_with_roles: [
        { user_id: "alice", role: "admin" },
        { user_id: "bob", role: "user" },
      ],
    });
  });

  it("internal users manage their own keys only", async () => {
    const own = await m.keys.generate(as("bob"), {});
    expect(own.user_id).toBe("bob");
    await expect(m.keys.generate(as("bob"), { user_id: "alice" })).rejects.toMatchObject({
      status: 403,
    });
    await expect(m.keys.update(as("alice"), { key: own.key, max_budget: 1 })).rejects.toMatchObject(
      { status: 403 },
    );
    await expect(m.keys.info(as("alice"), { key: own.key })).rejects.toMatchObject({ status: 403 });
    await expect(
      m.keys.update(as("bob"), { key: own.key, key_alias: "mine" }),
    ).resolves.toMatchObject({ key_alias: "mine" });
  });

  it("team members create team keys for themselves; team admins manage the team's keys", async () => {
    const bobs = await m.keys.generate(as("bob"), { team_id: "search" });
    await expect(
      m.keys.generate(as("bob"), { team_id: "search", user_id: "alice" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(m.keys.generate(as("carol"), { team_id: "search" })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      m.keys.update(as("alice"), { key: bobs.key, max_budget: 3 }),
    ).resolves.toMatchObject({ max_budget: 3 });
    await expect(
      m.teams.update(as("alice"), { team_id: "search", team_alias: "Search" }),
    ).resolves.toMatchObject({ team_id: "search" });
    await expect(
      m.teams.update(as("alice"), { team_id: "search", max_budget: 1000 }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      m.teams.update(as("bob"), { team_id: "search", team_alias: "x" }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("viewers read everything and change nothing", async () => {
    const viewer = as("viewer", "proxy_admin_viewer");
    await expect(m.teams.info(viewer, { team_id: "search" })).resolves.toMatchObject({
      team_id: "search",
    });
    await expect(m.keys.generate(viewer, {})).rejects.toMatchObject({ status: 403 });
    await expect(m.teams.create(viewer, { team_alias: "x" })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("only admins create teams, users, organizations, customers and budgets", async () => {
    const bob = as("bob");
    await expect(m.teams.create(bob, { team_alias: "x" })).rejects.toMatchObject({ status: 403 });
    await expect(m.users.create(bob, { user_id: "x" })).rejects.toMatchObject({ status: 403 });
    await expect(m.organizations.create(bob, { organization_alias: "x" })).rejects.toMatchObject({
      status: 403,
    });
    await expect(m.customers.create(bob, { user_id: "x" })).rejects.toMatchObject({ status: 403 });
    await expect(m.budgets.create(bob, { max_budget: 1 })).rejects.toMatchObject({ status: 403 });
  });
});

describe("teams and the hierarchy", () => {
  it("creates a team (LiteLLM's shape), adds members with budgets, and the key's identity carries them", async () => {
    const org = await m.organizations.create(admin, {
      organization_alias: "acme",
      max_budget: 100,
      budget_duration: "1mo",
    });
    expect(org).toMatchObject({
      organization_alias: "acme",
      litellm_budget_table: { max_budget: 100, budget_duration: "1mo" },
    });
    const team = await m.teams.create(admin, {
      team_alias: "research",
      organization_id: org.organization_id,
      max_budget: 50,
      models: ["gpt-4o"],
      team_member_budget: 5,
    });
    expect(team).toMatchObject({
      team_alias: "research",
      max_budget: 50,
      models: ["gpt-4o"],
      members_with_roles: [],
    });
    const added = await m.teams.memberAdd(admin, {
      team_id: team.team_id,
      member: [
        { user_id: "dana", role: "user" },
        { user_email: "eve@example.com", role: "admin" },
      ],
    });
    expect(added.members_with_roles).toHaveLength(2);
    expect(added.updated_team_memberships[0]).toMatchObject({
      user_id: "dana",
      litellm_budget_table: { max_budget: 5 },
    });
    await expect(
      m.teams.memberAdd(admin, { team_id: team.team_id, member: { user_id: "dana" } }),
    ).rejects.toMatchObject({
      code: "team_member_already_in_team",
    });

    const { key } = await m.keys.generate(admin, { team_id: team.team_id, user_id: "dana" });
    const auth = createAuthenticator({ source: createDbKeySource(database.db), bus });
    const identity = await auth.authenticate(key);
    if (identity.kind !== "virtual_key") throw new Error("expected a virtual key");
    expect(identity.budgetLines.map((l) => [l.scope, l.maxBudget])).toEqual([
      ["team", 50],
      ["team_member", 5],
      ["organization", 100],
    ]);
    expect(identity.team?.models).toEqual(["gpt-4o"]);

    const info = await m.teams.info(admin, { team_id: team.team_id });
    expect(info.keys).toHaveLength(1);
    expect(info.team_memberships).toHaveLength(2);

    await m.teams.setBlocked(admin, { team_id: team.team_id }, true);
    await expect(Promise.resolve().then(() => auth.authenticate(key))).rejects.toThrow(
      /is blocked/,
    );
    await m.teams.memberDelete(admin, { team_id: team.team_id, user_id: "dana" });
    await expect(Promise.resolve().then(() => auth.authenticate(key))).rejects.toThrow(
      /was deleted/,
    );
  });

  it("creates a user with teams and a first key in one transaction", async () => {
    await m.teams.create(admin, { team_id: "t-users" });
    const res = await m.users.create(admin, {
      user_id: "frank",
      user_email: "f@example.com",
      teams: ["t-users"],
      max_budget: 3,
    });
    expect(res).toMatchObject({
      user_id: "frank",
      user_email: "f@example.com",
      teams: ["t-users"],
      max_budget: 3,
      user_role: "internal_user",
    });
    expect(res.key).toMatch(/^sk-/);
    // A bad team rolls the whole creation back: no user, no key.
    await expect(
      m.users.create(admin, { user_id: "ghost", teams: ["nope"] }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(m.users.info(admin, { user_id: "ghost" })).rejects.toMatchObject({ status: 404 });
    const info = await m.users.info(admin, { user_id: "frank" });
    expect(info.keys).toHaveLength(1);
    expect(info.teams.map((t) => t.team_id)).toEqual(["t-users"]);
  });
});

describe("customers and budgets", () => {
  it("creates customers with budgets the end-user directory enforces, and blocks them", async () => {
    const c = await m.customers.create(admin, {
      user_id: "cust-1",
      max_budget: 0.5,
      budget_duration: "1d",
    });
    expect(c).toMatchObject({
      user_id: "cust-1",
      blocked: false,
      litellm_budget_table: { max_budget: 0.5, budget_duration: "1d" },
    });
    const directory = createEndUserDirectory({ source: createDbEndUserSource(database.db), bus });
    const profile = await directory.resolve("cust-1");
    expect(profile.line).toMatchObject({ scope: "end_user", maxBudget: 0.5 });
    await expect(
      m.customers.create(admin, { user_id: "cust-2", max_budget: 1, budget_id: "b" }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await m.customers.block(admin, { user_ids: ["cust-1"] })).toEqual({
      blocked_users: ["cust-1"],
    });
    await expect(Promise.resolve().then(() => directory.resolve("cust-1"))).rejects.toMatchObject({
      status: 403,
    });
  });

  it("refuses to delete a budget something still uses", async () => {
    const b = await m.budgets.create(admin, { budget_id: "shared", max_budget: 10, rpm_limit: 5 });
    expect(b).toMatchObject({ budget_id: "shared", max_budget: 10, rpm_limit: 5 });
    await m.customers.create(admin, { user_id: "cust-shared", budget_id: "shared" });
    await expect(m.budgets.delete(admin, { id: "shared" })).rejects.toThrow(/used by 1 customers/);
    await m.customers.delete(admin, { user_ids: ["cust-shared"] });
    await expect(m.budgets.delete(admin, { id: "shared" })).resolves.toMatchObject({
      budget_id: "shared",
    });
  });
});

describe("spend queries", () => {
  it("returns logs in LiteLLM's field names and the global report grouped by team, customer and key", async () => {
    await m.teams.create(admin, { team_id: "t-spend", team_alias: "Spend Team" });
    const writer = createDbSpendWriter(database.db);
    const day = Date.UTC(2025, 3, 30, 12);
    await writer.write([
      spendRecord({
        teamId: "t-spend",
        apiKeyHash: "k1",
        endUserId: "palantir",
        spend: 0.001,
        startTime: day,
        endTime: day + 1,
      }),
      spendRecord({
        teamId: "t-spend",
        apiKeyHash: "k1",
        endUserId: "palantir",
        spend: 0.002,
        startTime: day,
        endTime: day + 1,
      }),
      spendRecord({
        apiKeyHash: "k2",
        modelGroup: "claude",
        spend: 0.5,
        startTime: day,
        endTime: day + 1,
      }),
    ]);
    const logs = await m.spend.logs(admin, { api_key: "k1" });
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      api_key: "k1",
      team_id: "t-spend",
      end_user: "palantir",
      call_type: "acompletion",
    });
    expect(logs[0]).toHaveProperty("startTime");

    const byTeam = await m.spend.report(admin, {
      start_date: "2025-04-30",
      end_date: "2025-04-30",
    });
    expect(byTeam).toEqual([
      {
        group_by_day: "2025-04-30T00:00:00+00:00",
        teams: expect.arrayContaining([
          {
            team_name: "Spend Team",
            total_spend: 0.003,
            metadata: [{ model: "gpt-4o", spend: 0.003, total_tokens: 30, api_key: "k1" }],
          },
          {
            team_name: "Unassigned Team",
            total_spend: 0.5,
            metadata: [{ model: "claude", spend: 0.5, total_tokens: 15, api_key: "k2" }],
          },
        ]),
      },
    ]);
    const byCustomer = await m.spend.report(admin, {
      start_date: "2025-04-30",
      end_date: "2025-04-30",
      group_by: "customer",
    });
    expect(byCustomer[0]).toMatchObject({
      customers: expect.arrayContaining([
        expect.objectContaining({ customer: "palantir", total_spend: 0.003 }),
      ]),
    });
    const byKey = await m.spend.report(admin, {
      start_date: "2025-04-01",
      end_date: "2025-04-30",
      api_key: "k2",
    });
    expect(byKey).toEqual([
      {
        api_key: "k2",
        total_cost: 0.5,
        total_input_tokens: 10,
        total_output_tokens: 5,
        model_details: [
          { model: "claude", total_cost: 0.5, total_input_tokens: 10, total_output_tokens: 5 },
        ],
      },
    ]);
    await expect(
      m.spend.report(as("bob"), { start_date: "2025-04-30", end_date: "2025-04-30" }),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe("models with credentials", () => {
  it("stores litellm_params only encrypted, never returns credentials, and decrypts for the router", async () => {
    const res = await m.models.create(admin, {
      model_name: "my-gpt",
      litellm_params: {
        model: "openai/gpt-4o",
        api_key: "sk-upstream-secret-123",
        api_base: "https://example.test/v1",
      },
    });
    expect(res.litellm_params).toEqual({
      model: "openai/gpt-4o",
      api_base: "https://example.test/v1",
    });
    const rows = JSON.stringify(await database.db.select().from(proxyModels));
    expect(rows).not.toContain("sk-upstream-secret-123");
    expect(JSON.stringify(await database.db.select().from(auditLogs))).not.toContain(
      "sk-upstream-secret-123",
    );
    const list = await m.models.loadModelList();
    expect(list.find((e) => e.model_name === "my-gpt")?.litellm_params.api_key).toBe(
      "sk-upstream-secret-123",
    );
  });

  it("refuses to store credentials without a salt key, saying why", async () => {
    const noSalt = createManagement({ db: database.db });
    await expect(
      noSalt.models.create(admin, {
        model_name: "x",
        litellm_params: { model: "openai/x", api_key: "k" },
      }),
    ).rejects.toThrow(/LITELLM_SALT_KEY is not set/);
  });
});

describe("budget resets", () => {
  it("resets spend of budgets whose reset time passed (a missed reset happens at the next run)", async () => {
    const res = await m.keys.generate(admin, { max_budget: 1, budget_duration: "1d" });
    await database.db
      .update(virtualKeys)
      .set({ spend: 0.9, budgetResetAt: new Date(Date.UTC(2025, 2, 10)) })
      .where(eq(virtualKeys.tokenHash, res.token_id));
    const counts = await resetDueBudgets(database.db, clock.now());
    expect(counts.keys).toBeGreaterThanOrEqual(1);
    const [row] = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, res.token_id));
    expect(row!.spend).toBe(0);
    expect(row!.budgetResetAt?.toISOString()).toBe("2025-03-13T00:00:00.000Z");
    // Nothing is due any more: running again changes nothing.
    expect((await resetDueBudgets(database.db, clock.now())).keys).toBe(0);
  });

  it("a run asked for while another is going runs again with the current time", async () => {
    const key = await m.keys.generate(admin, { max_budget: 1, budget_duration: "1d" });
    const local = createFakeClock(clock.now());
    const job = createBudgetResetJob({ db: database.db, clock: local });
    // The first pass reads the clock before the key's reset time; the clock then moves past it.
    const first = job.runOnce();
    local.set(Date.UTC(2025, 2, 13, 0, 0, 30));
    const second = await job.runOnce();
    await first;
    expect(second.keys).toBeGreaterThanOrEqual(1);
    const [row] = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, key.token_id));
    expect(row!.budgetResetAt?.toISOString()).toBe("2025-03-14T00:00:00.000Z");
  });

  it("keeps spend logged after the reset time: it belongs to the new window", async () => {
    // The job runs up to a minute late; the flusher may have written new-window spend by then.
    const boundary = Date.UTC(2025, 2, 12, 0, 0, 0);
    const team = await m.teams.create(admin, { max_budget: 100, budget_duration: "1d" });
    const key = await m.keys.generate(admin, {
      team_id: team.team_id,
      max_budget: 100,
      budget_duration: "1d",
    });
    const writer = createDbSpendWriter(database.db);
    const teamId = team.team_id as string;
    const owned = { apiKeyHash: key.token_id, teamId, virtualKey: true };
    await writer.write([
      // Ended before the boundary: old window. Started before it, ended after: new window.
      spendRecord({ ...owned, spend: 5, startTime: boundary - 60_000, endTime: boundary - 1 }),
      spendRecord({ ...owned, spend: 2, startTime: boundary - 1000, endTime: boundary + 1000 }),
      spendRecord({ ...owned, spend: 1, startTime: boundary + 5000, endTime: boundary + 6000 }),
    ]);
    await database.db
      .update(virtualKeys)
      .set({ budgetResetAt: new Date(boundary) })
      .where(eq(virtualKeys.tokenHash, key.token_id));
    await database.db
      .update(teams)
      .set({ budgetResetAt: new Date(boundary) })
      .where(eq(teams.id, teamId));
    await resetDueBudgets(database.db, boundary + 30_000);
    const [k] = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, key.token_id));
    const [t] = await database.db.select().from(teams).where(eq(teams.id, teamId));
    expect(k!.spend).toBeCloseTo(3, 10);
    expect(t!.spend).toBeCloseTo(3, 10);
    expect(k!.budgetResetAt?.toISOString()).toBe("2025-03-13T00:00:00.000Z");
    // Written after the reset: added to the new window's total as usual.
    await writer.write([
      spendRecord({ ...owned, spend: 4, startTime: boundary + 9000, endTime: boundary + 9500 }),
    ]);
    const [after] = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, key.token_id));
    expect(after!.spend).toBeCloseTo(7, 10);
  });
});
