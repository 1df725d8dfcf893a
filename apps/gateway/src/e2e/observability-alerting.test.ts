import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeServer } from "@org/testing";
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from "@org/observability/testing";
import { manage } from "../testing/manage.ts";
import { pricedModel, pricedRequest, startPricedUpstream } from "../testing/priced-upstream.ts";
import { startTestGateway } from "../testing/start-test-gateway.ts";

// general_settings.alerting with WEBHOOK_URL / SLACK_WEBHOOK_URL: a key crossing its soft budget,
// budgets exceeded (key, team, user, end user) and a storm of responses slower than
// alerting_threshold each alert once (per condition per window, not per request), at receivers
// on 127.0.0.1; the key itself is never in an alert.

type WebhookAlert = {
  event: string;
  event_group: string;
  alert_type: string;
  token: string | null;
  team_id: string | null;
  user_id: string | null;
  customer_id: string | null;
  occurrences: number;
};

/** Below one request's cost (about 0.00004): the first request is admitted and exhausts it. */
const TINY_BUDGET = 0.00001;

// Each test starts its own gateway (an embedded database boot): a longer timeout than the default.

describe("alerting (general_settings.alerting)", () => {
  let upstream: FakeServer;
  const receivers: FakeWebhookReceiver[] = [];

  beforeAll(async () => {
    // Each answer takes a little while: slower than a tiny alerting_threshold.
    upstream = await startPricedUpstream({ latencyMs: 20 });
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await upstream?.close();
  });

  const receiver = async () => {
    const r = await startFakeWebhookReceiver();
    receivers.push(r);
    return r;
  };
  const alertsOf = (r: FakeWebhookReceiver) =>
    r.requests.map((q) => JSON.parse(q.body) as WebhookAlert);

  it(
    "a key crossing its soft budget, and expiring soon, alerts once each at the webhook; budgets exceeded (key, team, user, end user) alert once each, a refused burst too",
    { timeout: 120_000 },
    async () => {
      const webhook = await receiver();
      const gateway = await startTestGateway({
        config: {
          model_list: [pricedModel(upstream)],
          general_settings: { alerting: ["webhook"], alert_types: ["budget_alerts", "key_expiry"] },
        },
        env: { WEBHOOK_URL: webhook.url },
      });
      let key = "";
      const keys: string[] = [];
      let keyHash = "";
      let teamId = "";
      try {
        expect(gateway.warnings.join("\n")).not.toMatch(/alert/);
        const generated = await manage<{ key: string }>(
          gateway,
          gateway.masterKey,
          "/key/generate",
          {
            soft_budget: 0.00001, // the first request (about 0.00004) crosses it
            duration: "2d", // inside the 7-day expiry warning
          },
        );
        key = generated.key;
        const openai = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
        for (let i = 0; i < 3; i++)
          await openai.chat.completions.create(pricedRequest(`spend ${i}`));

        // Budgets exceeded: each first request is admitted and spends past the tiny max budget,
        // the ones after it are refused (400 budget_exceeded) and alert once per budget.
        const admin = <T>(path: string, body: unknown) =>
          manage<T>(gateway, gateway.masterKey, path, body);
        const newKey = async (body: Record<string, unknown>) => {
          const generated = await admin<{ key: string; token: string }>("/key/generate", body);
          keys.push(generated.key);
          return generated;
        };
        const capped = await newKey({ max_budget: TINY_BUDGET });
        keyHash = capped.token;
        teamId = (await admin<{ team_id: string }>("/team/new", { max_budget: TINY_BUDGET }))
          .team_id;
        const teamKey = await newKey({ team_id: teamId });
        await admin("/user/new", { user_id: "alert-user", max_budget: TINY_BUDGET });
        const userKey = await newKey({ user_id: "alert-user" });
        await admin("/customer/new", { user_id: "alert-customer", max_budget: TINY_BUDGET });
        const anyKey = await newKey({});
        const client = (k: string) =>
          new OpenAI({ apiKey: k, baseURL: gateway.baseURL, maxRetries: 0 });
        const exhaust = async (k: string, refusals: number, user?: string) => {
          const ask = (n: number) =>
            client(k).chat.completions.create({
              ...pricedRequest(`exhaust ${n}`),
              ...(user ? { user } : {}),
            });
          await ask(0);
          const refused = await Promise.allSettled(
            Array.from({ length: refusals }, (_, i) => ask(i + 1)),
          );
          for (const r of refused) {
            expect(r.status).toBe("rejected");
            expect((r as PromiseRejectedResult).reason).toMatchObject({
              status: 400,
              type: "budget_exceeded",
            });
          }
        };
        // The adversary's burst: 20 refusals of one key are one alert, not twenty.
        await exhaust(capped.key, 20);
        await exhaust(teamKey.key, 2);
        await exhaust(userKey.key, 2);
        await exhaust(anyKey.key, 2, "alert-customer");
      } finally {
        await gateway.close(); // flushes the alert queue
      }
      const alerts = alertsOf(webhook);
      expect(alerts.map((a) => a.event).sort()).toEqual([
        "budget_crossed",
        "budget_crossed",
        "budget_crossed",
        "budget_crossed",
        "key_expiring",
        "soft_budget_crossed",
      ]);
      const budget = alerts.find((a) => a.event === "soft_budget_crossed")!;
      expect(budget.alert_type).toBe("budget_alerts");
      expect(budget.token).toMatch(/^[0-9a-f]{16,}$/);
      const exceeded = alerts.filter((a) => a.event === "budget_crossed");
      for (const a of exceeded) expect(a.alert_type).toBe("budget_alerts");
      const byGroup = Object.fromEntries(exceeded.map((a) => [a.event_group, a]));
      expect(Object.keys(byGroup).sort()).toEqual(["customer", "key", "team", "user"]);
      expect(byGroup.key!.token).toBe(keyHash);
      expect(byGroup.team!.team_id).toBe(teamId);
      expect(byGroup.user!.user_id).toBe("alert-user");
      expect(byGroup.customer!.customer_id).toBe("alert-customer");
      for (const request of webhook.requests) {
        expect(request.body).not.toContain(key);
        for (const k of keys) expect(request.body).not.toContain(k);
      }
    },
  );

  it("a storm of slow responses alerts once per channel", { timeout: 120_000 }, async () => {
    const webhook = await receiver();
    const slack = await receiver();
    const gateway = await startTestGateway({
      config: {
        model_list: [pricedModel(upstream)],
        general_settings: {
          alerting: ["webhook", "slack"],
          alerting_threshold: 0.001, // seconds: every answer here is slower
          alert_types: ["llm_too_slow"],
        },
      },
      env: { WEBHOOK_URL: webhook.url, SLACK_WEBHOOK_URL: slack.url },
    });
    try {
      const openai = new OpenAI({
        apiKey: gateway.masterKey,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          openai.chat.completions.create(pricedRequest(`slow ${i}`)),
        ),
      );
      expect(answers).toHaveLength(12);
    } finally {
      await gateway.close();
    }
    const alerts = alertsOf(webhook);
    expect(alerts.map((a) => a.event)).toEqual(["llm_too_slow"]);
    expect(slack.requests).toHaveLength(1);
    const text = (JSON.parse(slack.requests[0]!.body) as { text: string }).text;
    expect(text).toMatch(/slow/i);
  });
});
