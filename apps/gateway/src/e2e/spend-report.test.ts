import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// Spend as LiteLLM users read it: /spend/logs with its filters and /global/spend/report grouped by
// team, customer, user, model and key, per day, after real requests through the gateway.

const PRICE = 0.001; // per token, input and output alike, so a request's cost is tokens * PRICE

describe("spend logs and the global spend report over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let teamId: string;
  let userId: string;
  let teamKey: string;
  let userKey: string;
  const served: { key: "team" | "user"; model: string; user?: string; cost: number; id: string }[] =
    [];

  const admin = <T>(method: "GET" | "POST", path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, method === "POST" ? (body ?? {}) : undefined);

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: `openai/${name}`,
        api_key: "sk-up",
        api_base: `${upstream.url}/v1`,
        input_cost_per_token: PRICE,
        output_cost_per_token: PRICE,
      },
    });
    gateway = await startTestGateway({
      config: { model_list: [deployment("gpt-4o"), deployment("claude-sonnet")] },
    });

    teamId = (await admin<{ team_id: string }>("POST", "/team/new", { team_alias: "search" }))
      .team_id;
    userId = (await admin<{ user_id: string }>("POST", "/user/new", { user_id: "ana@example.com" }))
      .user_id;
    teamKey = (await admin<{ key: string }>("POST", "/key/generate", { team_id: teamId })).key;
    userKey = (await admin<{ key: string }>("POST", "/key/generate", { user_id: userId })).key;

    const plan = [
      { key: "team", model: "gpt-4o" },
      { key: "team", model: "gpt-4o", user: "customer-1" },
      { key: "team", model: "claude-sonnet" },
      { key: "user", model: "gpt-4o", user: "customer-1" },
      { key: "user", model: "claude-sonnet" },
    ] as const;
    for (const step of plan) {
      const client = new OpenAI({
        apiKey: step.key === "team" ? teamKey : userKey,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      });
      const { data, response } = await client.chat.completions
        .create({
          model: step.model,
          messages: [{ role: "user", content: `spend for ${step.model}` }],
          ...("user" in step ? { user: step.user } : {}),
        })
        .withResponse();
      served.push({
        ...step,
        cost: data.usage!.total_tokens * PRICE,
        id: response.headers.get("x-litellm-call-id")!,
      });
    }
    await gateway.gateway.budgets.flushSpendNow();
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const today = new Date().toISOString().slice(0, 10);
  const sum = (rows: { cost: number }[]) => rows.reduce((total, r) => total + r.cost, 0);
  type Group = { total_spend: number; metadata: { model: string; spend: number }[] };
  type Day = { group_by_day: string } & Record<string, (Group & Record<string, unknown>)[]>;

  it("/spend/logs lists every served request and filters by key, user, team, end user and id", async () => {
    const all = await admin<{ request_id: string; spend: number }[]>("GET", "/spend/logs");
    expect(all.map((r) => r.request_id).sort()).toEqual(served.map((s) => s.id).sort());
    expect(sum(all.map((r) => ({ cost: r.spend })))).toBeCloseTo(sum(served), 10);

    const byKey = await admin<unknown[]>("GET", `/spend/logs?api_key=${teamKey}`);
    expect(byKey).toHaveLength(served.filter((s) => s.key === "team").length);
    const byUser = await admin<unknown[]>("GET", `/spend/logs?user_id=${userId}`);
    expect(byUser).toHaveLength(served.filter((s) => s.key === "user").length);
    const byTeam = await admin<unknown[]>("GET", `/spend/logs?team_id=${teamId}`);
    expect(byTeam).toHaveLength(served.filter((s) => s.key === "team").length);
    const byEndUser = await admin<unknown[]>("GET", "/spend/logs?end_user=customer-1");
    expect(byEndUser).toHaveLength(2);
    const one = await admin<{ request_id: string }[]>(
      "GET",
      `/spend/logs?request_id=${served[0]!.id}`,
    );
    expect(one.map((r) => r.request_id)).toEqual([served[0]!.id]);
  });

  const report = (groupBy: string) =>
    admin<Day[]>(
      "GET",
      `/global/spend/report?start_date=${today}&end_date=${today}&group_by=${groupBy}`,
    );

  it("groups a day's spend by team, with the per-model breakdown", async () => {
    const days = await report("team");
    expect(days.map((d) => d.group_by_day)).toEqual([`${today}T00:00:00+00:00`]);
    const search = days[0]!.teams!.find((t) => t.team_name === "search")!;
    expect(search.total_spend).toBeCloseTo(sum(served.filter((s) => s.key === "team")), 10);
    expect(new Set(search.metadata.map((m) => m.model))).toEqual(
      new Set(["gpt-4o", "claude-sonnet"]),
    );
  });

  it("groups by customer, user and model in the same shape", async () => {
    const customers = (await report("customer"))[0]!.customers!;
    const c1 = customers.find((c) => c.customer === "customer-1")!;
    expect(c1.total_spend).toBeCloseTo(sum(served.filter((s) => s.user === "customer-1")), 10);

    const users = (await report("user"))[0]!.users!;
    const ana = users.find((u) => u.user_id === userId)!;
    expect(ana.total_spend).toBeCloseTo(sum(served.filter((s) => s.key === "user")), 10);

    const models = (await report("model"))[0]!.models!;
    expect(models.map((m) => m.model).sort()).toEqual(["claude-sonnet", "gpt-4o"]);
    for (const name of ["gpt-4o", "claude-sonnet"]) {
      const group = models.find((m) => m.model === name)!;
      expect(group.total_spend).toBeCloseTo(sum(served.filter((s) => s.model === name)), 10);
    }
  });

  it("groups by key with per-model details", async () => {
    const keys = await admin<{ api_key: string; total_cost: number; model_details: unknown[] }[]>(
      "GET",
      `/global/spend/report?start_date=${today}&end_date=${today}&group_by=api_key`,
    );
    expect(keys).toHaveLength(2);
    const total = keys.reduce((t, k) => t + k.total_cost, 0);
    expect(total).toBeCloseTo(sum(served), 10);
    for (const k of keys) expect(k.api_key).not.toMatch(/^sk-/);
  });

  it("a virtual key without an admin role cannot read the report (403)", async () => {
    const res = await fetch(
      `${gateway.url}/global/spend/report?start_date=${today}&end_date=${today}`,
      { headers: { authorization: `Bearer ${teamKey}` } },
    );
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(res.status).toBe(403);
    expect(body.error.message).toMatch(/admin/i);
  });
});
