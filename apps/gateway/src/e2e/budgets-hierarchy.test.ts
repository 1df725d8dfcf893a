import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFakeClock, hashKey, type FakeClock, type SoftBudgetEvent } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Every level of the budget hierarchy (organization, team, team member, user, key, end user,
// per-model budget on a key) over HTTP with the official SDK: only that level's budget is small,
// requests run until it refuses with LiteLLM's 400 `budget_exceeded` naming spend and limit,
// the refused request never reaches the upstream, a sibling keeps working, and after the fake
// clock passes `budget_duration` the budget resets (requests work, the info route shows spend 0).

const MAX = 0.25;
const SECOND = 1000;

describe("budgets at every level of the hierarchy, over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let clock: FakeClock;
  const softEvents: SoftBudgetEvent[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    clock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 5));
    // Priced high (a request costs about 0.1) so a budget of 0.25 runs out after a few requests.
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: `openai/${name}`,
        api_key: "sk-up",
        api_base: `${upstream.url}/v1`,
        input_cost_per_token: 0.01,
        output_cost_per_token: 0.01,
      },
    });
    gateway = await startTestGateway({
      config: { model_list: [deployment("gpt-4o"), deployment("gpt-4o-mini")] },
      clock,
      onSoftBudgetCrossed: (event) => softEvents.push(event),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  const call = async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T;
    expect(res.status, `${path}: ${JSON.stringify(json)}`).toBe(200);
    return json;
  };
  const newKey = async (fields: Record<string, unknown>) =>
    (await call<{ key: string }>("/key/generate", fields)).key;

  const chat = (key: string, extra: { model?: string; user?: string } = {}) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model: extra.model ?? "gpt-4o",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
      ...(extra.user ? { user: extra.user } : {}),
    });

  /**
   * Sends requests until one is refused; checks it is LiteLLM's budget refusal for `max`, that
   * the upstream saw no call for it, and that at least one request was served first.
   */
  async function exhaust(
    key: string,
    max: number,
    extra: { model?: string; user?: string } = {},
  ): Promise<{ served: number; message: string }> {
    for (let served = 0; served < 15; served++) {
      const before = upstream.callCount();
      const error = await chat(key, extra).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) continue;
      expect(error, String(error)).toBeInstanceOf(OpenAI.BadRequestError);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(400);
      expect(apiError.type).toBe("budget_exceeded");
      // OpenAI's envelope: the SDK hands over the inner `error` object.
      expect(Object.keys(apiError.error as object).sort()).toEqual(
        ["code", "message", "param", "type"].sort(),
      );
      const message = (apiError.error as { message: string }).message;
      // LiteLLM's wording per scope: "Current cost: X, Max budget: Y" or "Spend=X, Budget=Y".
      const figures =
        /(?:Current cost: |Spend=)([\d.e-]+), (?:Max budget: |Budget=)([\d.e-]+)/.exec(message);
      expect(figures, message).not.toBeNull();
      expect(Number(figures![2])).toBe(max);
      expect(Number(figures![1])).toBeGreaterThanOrEqual(max);
      expect(upstream.callCount(), "a refused request must not reach the upstream").toBe(before);
      expect(served, "the budget should admit a request before it runs out").toBeGreaterThan(0);
      return { served, message };
    }
    throw new Error(`the budget of ${max} never refused a request`);
  }

  /** Moves the fake clock just past a stored reset time and runs the reset job (its timer would). */
  async function passReset(resetAt: unknown): Promise<void> {
    expect(typeof resetAt, "the budget should have a reset time").toBe("string");
    const at = Date.parse(resetAt as string);
    expect(at).toBeGreaterThan(clock.now());
    clock.set(at + SECOND);
    await gateway.gateway.budgets.runResetsNow();
  }

  const flushed = () => gateway.gateway.budgets.flushSpendNow();

  it("key: max_budget refuses, another key works; resets after budget_duration 1h", async () => {
    const key = await newKey({ max_budget: MAX, budget_duration: "1h" });
    const sibling = await newKey({});
    const { message } = await exhaust(key, MAX);
    expect(message).toMatch(/^Budget has been exceeded! Current cost: /);
    await expect(chat(sibling)).resolves.toBeTruthy();

    await flushed();
    const before = await call<{ info: { spend: number; budget_reset_at: string } }>(
      `/key/info?key=${key}`,
    );
    expect(Number(before.info.spend)).toBeGreaterThanOrEqual(MAX);
    await passReset(before.info.budget_reset_at);

    const after = await call<{ info: { spend: number; budget_reset_at: string } }>(
      `/key/info?key=${key}`,
    );
    expect(Number(after.info.spend)).toBe(0);
    expect(Date.parse(after.info.budget_reset_at)).toBe(
      Date.parse(before.info.budget_reset_at) + 3_600_000,
    );
    await expect(chat(key)).resolves.toBeTruthy();
    await flushed();
    const spent = await call<{ info: { spend: number } }>(`/key/info?key=${key}`);
    expect(Number(spent.info.spend)).toBeGreaterThan(0);
    expect(Number(spent.info.spend)).toBeLessThan(MAX);
  });

  it("team: max_budget refuses every key of the team, another team works; resets after 1d", async () => {
    const team = await call<{ team_id: string }>("/team/new", {
      max_budget: MAX,
      budget_duration: "1d",
    });
    const other = await call<{ team_id: string }>("/team/new", {});
    const first = await newKey({ team_id: team.team_id });
    const second = await newKey({ team_id: team.team_id });
    const { message } = await exhaust(first, MAX);
    expect(message).toContain(`Team=${team.team_id} Current cost: `);
    // The team's budget is spent, whichever of its keys asks.
    await expect(chat(second)).rejects.toMatchObject({ status: 400, type: "budget_exceeded" });
    await expect(chat(await newKey({ team_id: other.team_id }))).resolves.toBeTruthy();

    await flushed();
    type Info = { team_info: { spend: number; budget_reset_at: string } };
    const before = await call<Info>(`/team/info?team_id=${team.team_id}`);
    expect(Number(before.team_info.spend)).toBeGreaterThanOrEqual(MAX);
    await passReset(before.team_info.budget_reset_at);
    const after = await call<Info>(`/team/info?team_id=${team.team_id}`);
    expect(Number(after.team_info.spend)).toBe(0);
    expect(Date.parse(after.team_info.budget_reset_at)).toBe(
      Date.parse(before.team_info.budget_reset_at) + 86_400_000,
    );
    await expect(chat(second)).resolves.toBeTruthy();
  });

  it("team member: max_budget_in_team refuses that member, another member works; resets with its budget's duration", async () => {
    const team = await call<{ team_id: string }>("/team/new", {});
    await call("/team/member_add", {
      team_id: team.team_id,
      member: { user_id: "member-capped", role: "user" },
      max_budget_in_team: MAX,
    });
    await call("/team/member_add", {
      team_id: team.team_id,
      member: { user_id: "member-free", role: "user" },
    });
    const capped = await newKey({ team_id: team.team_id, user_id: "member-capped" });
    const free = await newKey({ team_id: team.team_id, user_id: "member-free" });
    const { message } = await exhaust(capped, MAX);
    expect(message).toContain(`User=member-capped in Team=${team.team_id} Current cost: `);
    await expect(chat(free)).resolves.toBeTruthy();

    // The member's limit is a budget row (LiteLLM_BudgetTable); giving it a duration makes it reset.
    type Info = {
      team_memberships: {
        user_id: string;
        spend: number;
        budget_id: string;
        litellm_budget_table: { budget_reset_at: string | null };
      }[];
    };
    const membership = async () =>
      (await call<Info>(`/team/info?team_id=${team.team_id}`)).team_memberships.find(
        (m) => m.user_id === "member-capped",
      )!;
    await call("/budget/update", {
      budget_id: (await membership()).budget_id,
      budget_duration: "30s",
    });
    await flushed();
    const before = await membership();
    expect(Number(before.spend)).toBeGreaterThanOrEqual(MAX);
    await passReset(before.litellm_budget_table.budget_reset_at);
    expect(Number((await membership()).spend)).toBe(0);
    await expect(chat(capped)).resolves.toBeTruthy();
  });

  it("user: a personal key answers to its user's max_budget, another user works; resets after 30s without the reset job", async () => {
    await call("/user/new", { user_id: "user-capped", max_budget: MAX, budget_duration: "30s" });
    await call("/user/new", { user_id: "user-free" });
    const first = await newKey({ user_id: "user-capped" });
    const second = await newKey({ user_id: "user-capped" });
    const { message } = await exhaust(first, MAX);
    expect(message).toMatch(/^ExceededBudget: User=user-capped over budget\. Spend=/);
    await expect(chat(second)).rejects.toMatchObject({ status: 400, type: "budget_exceeded" });
    await expect(chat(await newKey({ user_id: "user-free" }))).resolves.toBeTruthy();

    await flushed();
    type Info = { user_info: { spend: number; budget_reset_at: string } };
    const before = await call<Info>("/user/info?user_id=user-capped");
    expect(Number(before.user_info.spend)).toBeGreaterThanOrEqual(MAX);
    // The ledger starts the next window by itself at the reset time: no job has to run first.
    clock.set(Date.parse(before.user_info.budget_reset_at) + SECOND);
    await expect(chat(second)).resolves.toBeTruthy();
    await gateway.gateway.budgets.runResetsNow();
    const after = await call<Info>("/user/info?user_id=user-capped");
    expect(Number(after.user_info.spend)).toBeLessThan(MAX);
    expect(Date.parse(after.user_info.budget_reset_at)).toBe(
      Date.parse(before.user_info.budget_reset_at) + 30 * SECOND,
    );
  });

  it("organization: its budget refuses keys of all its teams, another organization works; resets after 1mo", async () => {
    const org = await call<{ organization_id: string }>("/organization/new", {
      organization_alias: "capped-org",
      max_budget: MAX,
      budget_duration: "1mo",
    });
    const otherOrg = await call<{ organization_id: string }>("/organization/new", {
      organization_alias: "free-org",
    });
    const teamA = await call<{ team_id: string }>("/team/new", {
      organization_id: org.organization_id,
    });
    const teamB = await call<{ team_id: string }>("/team/new", {
      organization_id: org.organization_id,
    });
    const otherTeam = await call<{ team_id: string }>("/team/new", {
      organization_id: otherOrg.organization_id,
    });
    const keyA = await newKey({ team_id: teamA.team_id });
    const keyB = await newKey({ team_id: teamB.team_id });
    const { message } = await exhaust(keyA, MAX);
    expect(message).toContain(`Organization=${org.organization_id} Current cost: `);
    await expect(chat(keyB)).rejects.toMatchObject({ status: 400, type: "budget_exceeded" });
    await expect(chat(await newKey({ team_id: otherTeam.team_id }))).resolves.toBeTruthy();

    await flushed();
    type Info = { spend: number; litellm_budget_table: { budget_reset_at: string } };
    const path = `/organization/info?organization_id=${org.organization_id}`;
    const before = await call<Info>(path);
    expect(Number(before.spend)).toBeGreaterThanOrEqual(MAX);
    // "1mo" resets on the 1st of the next month (UTC).
    const resetAt = new Date(before.litellm_budget_table.budget_reset_at);
    expect(resetAt.getUTCDate()).toBe(1);
    expect(resetAt.getUTCHours()).toBe(0);
    await passReset(before.litellm_budget_table.budget_reset_at);
    expect(Number((await call<Info>(path)).spend)).toBe(0);
    await expect(chat(keyB)).resolves.toBeTruthy();
  });

  it("end user: a customer's max_budget refuses requests naming them, another customer works; resets after 1d", async () => {
    await call("/customer/new", {
      user_id: "customer-capped",
      max_budget: MAX,
      budget_duration: "1d",
    });
    await call("/customer/new", { user_id: "customer-free" });
    // Any key, even one with no budget of its own, is held to the customer's budget.
    const key = await newKey({});
    const { message } = await exhaust(key, MAX, { user: "customer-capped" });
    expect(message).toMatch(/^ExceededBudget: End User=customer-capped over budget\. Spend=/);
    await expect(chat(gateway.masterKey, { user: "customer-capped" })).rejects.toMatchObject({
      status: 400,
      type: "budget_exceeded",
    });
    await expect(chat(key, { user: "customer-free" })).resolves.toBeTruthy();
    await expect(chat(key)).resolves.toBeTruthy();

    await flushed();
    type Info = { spend: number; litellm_budget_table: { budget_reset_at: string } };
    const before = await call<Info>("/customer/info?end_user_id=customer-capped");
    expect(Number(before.spend)).toBeGreaterThanOrEqual(MAX);
    await passReset(before.litellm_budget_table.budget_reset_at);
    expect(Number((await call<Info>("/customer/info?end_user_id=customer-capped")).spend)).toBe(0);
    await expect(chat(key, { user: "customer-capped" })).resolves.toBeTruthy();
  });

  it("per-model budget on a key: model_max_budget refuses that model only; resets after its time_period", async () => {
    const key = await newKey({
      model_max_budget: { "gpt-4o": { budget_limit: MAX, time_period: "1d" } },
    });
    const { message } = await exhaust(key, MAX, { model: "gpt-4o" });
    expect(message).toContain("Model=gpt-4o Current cost: ");
    // The same key on another model is not limited.
    await expect(chat(key, { model: "gpt-4o-mini" })).resolves.toBeTruthy();
    await expect(chat(await newKey({}), { model: "gpt-4o" })).resolves.toBeTruthy();

    // A per-model window is aligned like the others ("1d": the next midnight UTC) and kept in
    // the ledger only, as LiteLLM keeps it in its cache: no reset job, no stored reset time.
    const now = new Date(clock.now());
    clock.set(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) + SECOND);
    await expect(chat(key, { model: "gpt-4o" })).resolves.toBeTruthy();
  });

  it("soft_budget: crossing it emits exactly one event and refuses nothing", async () => {
    const key = await newKey({ soft_budget: 0.15 });
    for (let i = 0; i < 5; i++) await expect(chat(key)).resolves.toBeTruthy();
    const mine = softEvents.filter((e) => e.scope === "key" && e.entityId === hashKey(key));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ softBudget: 0.15, maxBudget: undefined });
    expect(mine[0]!.spend).toBeGreaterThanOrEqual(0.15);
  });
});
