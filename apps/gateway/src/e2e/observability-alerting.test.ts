import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeServer } from "@org/testing";
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from "@org/observability/testing";
import { manage } from "../testing/manage.ts";
import { pricedModel, pricedRequest, startPricedUpstream } from "../testing/priced-upstream.ts";
import { startTestGateway } from "../testing/start-test-gateway.ts";

// general_settings.alerting with WEBHOOK_URL / SLACK_WEBHOOK_URL: a key crossing its soft budget
// and a storm of responses slower than alerting_threshold each alert once (per condition per
// window, not per request), at receivers on 127.0.0.1; the key itself is never in an alert.

type WebhookAlert = {
  event: string;
  alert_type: string;
  token: string | null;
  occurrences: number;
};

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
    "a key crossing its soft budget, and expiring soon, alerts once each at the webhook",
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
      } finally {
        await gateway.close(); // flushes the alert queue
      }
      const alerts = alertsOf(webhook);
      expect(alerts.map((a) => a.event).sort()).toEqual(["key_expiring", "soft_budget_crossed"]);
      const budget = alerts.find((a) => a.event === "soft_budget_crossed")!;
      expect(budget.alert_type).toBe("budget_alerts");
      expect(budget.token).toMatch(/^[0-9a-f]{16,}$/);
      for (const request of webhook.requests) expect(request.body).not.toContain(key);
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
