import { afterEach, describe, expect, it } from "vitest";
import type { RequestEvent } from "../events/request-event.ts";
import { RequestEventBus } from "../events/request-event-bus.ts";
import {
  deadReceiverUrl,
  startFakeWebhookReceiver,
  type FakeWebhookReceiver,
} from "../webhooks/fake-webhook-receiver.ts";
import { Alerter, type AlerterOptions } from "./alerter.ts";
import { AlertDeduper } from "./alert-deduper.ts";

// Real Slack-like and webhook receivers on 127.0.0.1; the dedupe window runs on a fake clock
// (`now`), delivery on real sockets with a 1 ms retry backoff.

const SECRET_KEY = "sk-live-virtual-key-0123456789";
const MINUTE = 60_000;

class FakeClock {
  t = Date.UTC(2026, 11, 6, 12, 0, 0);
  now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

let receivers: FakeWebhookReceiver[] = [];
let alerters: Alerter[] = [];
afterEach(async () => {
  await Promise.all(alerters.map((a) => a.close({ flushTimeoutMs: 1_000 })));
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  alerters = [];
});

async function setup(options: Partial<AlerterOptions> = {}) {
  const slack = await startFakeWebhookReceiver(undefined, "/services/T000/B000/secretpath");
  const webhook = await startFakeWebhookReceiver();
  receivers.push(slack, webhook);
  const clock = new FakeClock();
  const alerter = new Alerter({
    channels: ["slack", "webhook"],
    slackWebhookUrl: slack.url,
    webhookUrl: webhook.url,
    webhookHeaders: { Authorization: "Bearer hook-token" },
    slowThresholdSeconds: 10,
    windowMs: 10 * MINUTE,
    now: clock.now,
    queue: { retryBaseMs: 1, retryMaxMs: 2, maxRetries: 2 },
    ...options,
  });
  alerters.push(alerter);
  return { slack, webhook, clock, alerter };
}

const bodies = (receiver: FakeWebhookReceiver) =>
  receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

function slowEvent(i: number, durationMs = 30_000): RequestEvent {
  return {
    callId: `call-${i}`,
    route: "/v1/chat/completions",
    callType: "chat",
    stream: false,
    startTime: 1_000,
    apiCallStartTime: 1_000,
    endTime: 1_000 + durationMs,
    keyHash: "hash-abc",
    requestedModel: "gpt-4o",
    modelGroup: "gpt-4o",
    deploymentId: "dep-1",
    provider: "openai",
    cacheHit: false,
    retries: 0,
    fallbacks: [],
    status: "success",
    httpStatus: 200,
    tags: [],
  };
}

describe("Alerter payloads", () => {
  it("delivers each condition to Slack as {text, blocks} and to the webhook as LiteLLM's event JSON", async () => {
    const { slack, webhook, clock, alerter } = await setup();
    expect(
      alerter.softBudgetCrossed({
        scope: "key",
        id: "hash-abc",
        alias: "prod-key",
        spend: 8.5,
        softBudget: 8,
        maxBudget: 10,
        teamId: "team-1",
      }),
    ).toBe(true);
    expect(
      alerter.budgetExceeded({
        scope: "team",
        id: "team-1",
        alias: "Search",
        spend: 101,
        maxBudget: 100,
      }),
    ).toBe(true);
    expect(
      alerter.nearExpiry({
        scope: "key",
        id: "hash-abc",
        alias: "prod-key",
        expiresAt: clock.t + 48 * 3_600_000,
      }),
    ).toBe(true);
    expect(
      alerter.deploymentCooledDown({
        deploymentId: "dep-1",
        modelGroup: "gpt-4o",
        provider: "openai",
        cooldownSeconds: 60,
        errorClass: "RateLimitError",
        errorStatus: 429,
      }),
    ).toBe(true);
    expect(
      alerter.slowResponse({ modelGroup: "gpt-4o", deploymentId: "dep-1", durationMs: 12_500 }),
    ).toBe(true);
    expect(alerter.sinkFailing({ sink: "langfuse", failed: 3, dropped: 7 })).toBe(true);
    await alerter.close({ flushTimeoutMs: 5_000 });

    expect(slack.requests).toHaveLength(6);
    expect(webhook.requests).toHaveLength(6);
    expect(webhook.requests.every((r) => r.headers["authorization"] === "Bearer hook-token")).toBe(
      true,
    );
    // The webhook's bearer token is for the webhook only.
    expect(slack.requests.every((r) => r.headers["authorization"] === undefined)).toBe(true);

    const slackBodies = bodies(slack);
    for (const body of slackBodies) {
      expect(typeof body["text"]).toBe("string");
      expect(Array.isArray(body["blocks"])).toBe(true);
    }
    expect(slackBodies.map((b) => (b["text"] as string).split("\n")[0])).toEqual([
      "*Soft budget crossed*",
      "*Budget exceeded*",
      "*Key expires soon*",
      "*Deployment cooled down*",
      "*Slow responses*",
      "*Logging sink failing*",
    ]);
    expect(slackBodies[0]!["text"]).toContain(
      "Key prod-key spend $8.50 reached its soft budget $8.00",
    );

    const [soft, exceeded, expiry, cooldown, slow, sink] = bodies(webhook);
    expect(soft).toMatchObject({
      event: "soft_budget_crossed",
      event_group: "key",
      alert_type: "budget_alerts",
      spend: 8.5,
      soft_budget: 8,
      max_budget: 10,
      token: "hash-abc",
      key_alias: "prod-key",
      team_id: "team-1",
      occurrences: 1,
      timestamp: "2026-12-06T12:00:00.000Z",
    });
    expect(exceeded).toMatchObject({
      event: "budget_crossed",
      event_group: "team",
      alert_type: "budget_alerts",
      level: "High",
      spend: 101,
      max_budget: 100,
      team_id: "team-1",
      team_alias: "Search",
      token: null,
    });
    expect(expiry).toMatchObject({
      event: "key_expiring",
      alert_type: "key_expiry",
      token: "hash-abc",
    });
    expect(cooldown).toMatchObject({
      event: "cooldown_deployment",
      alert_type: "cooldown_deployment",
      model_id: "dep-1",
      model_group: "gpt-4o",
      exception_status: 429,
    });
    expect(slow).toMatchObject({
      event: "llm_too_slow",
      alert_type: "llm_too_slow",
      duration_seconds: 12.5,
      threshold_seconds: 10,
    });
    expect(sink).toMatchObject({
      alert_type: "sink_failures",
      callback_name: "langfuse",
      failed: 3,
      dropped: 7,
    });
  });

  it("never lets a key-shaped value through, even when the caller passes the key as an id or alias", async () => {
    const { slack, webhook, alerter } = await setup();
    alerter.budgetExceeded({
      scope: "key",
      id: SECRET_KEY,
      alias: `alias ${SECRET_KEY}`,
      spend: 2,
      maxBudget: 1,
    });
    await alerter.close();
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]!.body).not.toContain(SECRET_KEY);
    expect(webhook.requests[0]!.body).not.toContain(SECRET_KEY);
    expect(webhook.requests[0]!.body).toContain("[REDACTED]");
  });

  it("each method checks its own condition, so it is safe to call on every request", async () => {
    const { slack, clock, alerter } = await setup();
    expect(alerter.softBudgetCrossed({ scope: "key", id: "k", spend: 7.99, softBudget: 8 })).toBe(
      false,
    );
    // Over the hard budget: that is budgetExceeded's alert, not a soft one.
    expect(
      alerter.softBudgetCrossed({ scope: "key", id: "k", spend: 11, softBudget: 8, maxBudget: 10 }),
    ).toBe(false);
    expect(alerter.budgetExceeded({ scope: "key", id: "k", spend: 9, maxBudget: 10 })).toBe(false);
    expect(alerter.budgetExceeded({ scope: "key", id: "k", spend: 9 })).toBe(false);
    expect(
      alerter.nearExpiry({ scope: "key", id: "k", expiresAt: clock.t + 30 * 86_400_000 }),
    ).toBe(false);
    expect(alerter.nearExpiry({ scope: "key", id: "k", expiresAt: clock.t - 1 })).toBe(false);
    expect(alerter.slowResponse({ modelGroup: "m", durationMs: 10_000 })).toBe(false);
    expect(alerter.slowResponse({ modelGroup: "m", durationMs: Number.NaN })).toBe(false);
    expect(alerter.sinkFailing({ sink: "s", failed: 0, dropped: 0 })).toBe(false);
    await alerter.close();
    expect(slack.requests).toHaveLength(0);
  });

  it("alert_types turns conditions off", async () => {
    const { slack, alerter } = await setup({ alertTypes: ["llm_too_slow"] });
    expect(alerter.budgetExceeded({ scope: "key", id: "k", spend: 2, maxBudget: 1 })).toBe(false);
    expect(alerter.deploymentCooledDown({ deploymentId: "d", modelGroup: "m" })).toBe(false);
    expect(alerter.slowResponse({ modelGroup: "m", durationMs: 60_000 })).toBe(true);
    await alerter.close();
    expect(bodies(slack).map((b) => (b["text"] as string).split("\n")[0])).toEqual([
      "*Slow responses*",
    ]);
  });
});

describe("Alerter dedupe", () => {
  it("a storm of 1,000 slow responses through the event bus yields one alert per window", async () => {
    const { slack, webhook, clock, alerter } = await setup();
    const bus = new RequestEventBus({ observers: [alerter] });
    for (let i = 0; i < 1_000; i += 1) bus.publish(slowEvent(i));
    expect(alerter.stats()).toMatchObject({ raised: 1, suppressed: 999 });

    // Still inside the window: nothing more.
    clock.advance(10 * MINUTE - 1);
    bus.publish(slowEvent(1_000));
    expect(alerter.stats().raised).toBe(1);

    // The next window: one alert that says how many it stands for.
    clock.advance(1);
    for (let i = 0; i < 1_000; i += 1) bus.publish(slowEvent(2_000 + i));
    await alerter.close({ flushTimeoutMs: 5_000 });

    expect(slack.requests).toHaveLength(2);
    expect(webhook.requests).toHaveLength(2);
    // The second alert stands for the 999 + 1 folded into the first window and itself.
    expect(bodies(webhook).map((b) => b["occurrences"])).toEqual([1, 1_001]);
    expect(bodies(webhook)[0]).toMatchObject({ call_id: "call-0" });
  });

  it("dedupes per condition and subject, not globally", async () => {
    const { webhook, alerter } = await setup();
    for (let i = 0; i < 50; i += 1) {
      alerter.budgetExceeded({ scope: "key", id: "key-a", spend: 2, maxBudget: 1 });
      alerter.budgetExceeded({ scope: "key", id: "key-b", spend: 2, maxBudget: 1 });
      alerter.budgetExceeded({ scope: "team", id: "key-a", spend: 2, maxBudget: 1 });
      alerter.softBudgetCrossed({ scope: "key", id: "key-a", spend: 2, softBudget: 1 });
      alerter.deploymentCooledDown({ deploymentId: "dep-1", modelGroup: "m" });
      alerter.deploymentCooledDown({ deploymentId: "dep-2", modelGroup: "m" });
    }
    await alerter.close();
    expect(webhook.requests).toHaveLength(6);
  });

  it("budget alerts use their own (longer) window when given per condition", async () => {
    const { webhook, clock, alerter } = await setup({
      windowMs: { budget_exceeded: 60 * MINUTE, slow_response: MINUTE },
    });
    alerter.budgetExceeded({ scope: "key", id: "k", spend: 2, maxBudget: 1 });
    alerter.slowResponse({ modelGroup: "m", durationMs: 60_000 });
    clock.advance(2 * MINUTE);
    expect(alerter.budgetExceeded({ scope: "key", id: "k", spend: 2, maxBudget: 1 })).toBe(false);
    expect(alerter.slowResponse({ modelGroup: "m", durationMs: 60_000 })).toBe(true);
    await alerter.close();
    expect(webhook.requests).toHaveLength(3);
  });

  it("the deduper's memory is bounded however many distinct subjects arrive", () => {
    let t = 0;
    const deduper = new AlertDeduper({ maxTracked: 100, now: () => t });
    for (let i = 0; i < 10_000; i += 1) {
      t += 1;
      expect(deduper.admit(`k${i}`, 1_000_000)).toBe(1);
    }
    expect(deduper.tracked()).toBeLessThanOrEqual(100);
  });
});

describe("Alerter as a bus observer and with @org/budgets' scopes", () => {
  it("alerts once per deployment for attempts that put it into cooldown, whatever the request's outcome", async () => {
    const { webhook, alerter } = await setup();
    const bus = new RequestEventBus({ observers: [alerter] });
    for (let i = 0; i < 200; i += 1) {
      bus.publish({
        ...slowEvent(i, 100),
        // dep-1 failed and cooled down, dep-2 answered after a retry.
        deploymentId: "dep-2",
        retries: 1,
        attempts: [
          {
            deploymentId: "dep-1",
            modelGroup: "gpt-4o",
            startTime: 1_000,
            durationMs: 50,
            outcome: "failure",
            errorClass: "RateLimitError",
            errorStatus: 429,
            cooledDown: true,
          },
          {
            deploymentId: "dep-2",
            modelGroup: "gpt-4o",
            startTime: 1_050,
            durationMs: 50,
            outcome: "success",
          },
          // A failure that did not cool its deployment down is no alert.
          {
            deploymentId: "dep-3",
            modelGroup: "gpt-4o",
            startTime: 1_000,
            durationMs: 5,
            outcome: "failure",
          },
        ],
      });
    }
    await alerter.close();
    expect(bodies(webhook)).toEqual([
      expect.objectContaining({
        event: "cooldown_deployment",
        model_id: "dep-1",
        exception_class: "RateLimitError",
        exception_status: 429,
      }),
    ]);
  });

  it("takes @org/budgets' scope names: a team member's and a key's per-model budget", async () => {
    const { webhook, alerter } = await setup();
    alerter.budgetExceeded({
      scope: "team_member",
      id: "user-7",
      detail: "team-1",
      spend: 5,
      maxBudget: 5,
    });
    alerter.budgetExceeded({
      scope: "key_model",
      id: "hash-abc",
      detail: "gpt-4o",
      spend: 3,
      maxBudget: 2,
    });
    // Another model's budget of the same key is another condition.
    alerter.budgetExceeded({
      scope: "key_model",
      id: "hash-abc",
      detail: "gpt-4o-mini",
      spend: 3,
      maxBudget: 2,
    });
    alerter.softBudgetCrossed({ scope: "end_user", id: "customer-9", spend: 1, softBudget: 1 });
    await alerter.close();
    const [member, keyModel, otherModel, endUser] = bodies(webhook);
    expect(member).toMatchObject({ event_group: "user", user_id: "user-7", team_id: "team-1" });
    expect(keyModel).toMatchObject({ event_group: "key", token: "hash-abc", model: "gpt-4o" });
    expect(otherModel).toMatchObject({ model: "gpt-4o-mini" });
    expect(endUser).toMatchObject({
      event: "soft_budget_crossed",
      event_group: "customer",
      customer_id: "customer-9",
    });
  });
});

describe("Alerter delivery failures", () => {
  it("a dead receiver never throws and is counted", async () => {
    const dead = await deadReceiverUrl();
    const clock = new FakeClock();
    const alerter = new Alerter({
      channels: ["slack", "webhook"],
      slackWebhookUrl: dead,
      webhookUrl: dead,
      now: clock.now,
      queue: { retryBaseMs: 1, retryMaxMs: 2, maxRetries: 2 },
    });
    alerters.push(alerter);
    for (let i = 0; i < 5; i += 1) {
      expect(alerter.deploymentCooledDown({ deploymentId: `dep-${i}`, modelGroup: "m" })).toBe(
        true,
      );
    }
    await alerter.close({ flushTimeoutMs: 5_000 });
    const { channels } = alerter.stats();
    expect(channels.slack).toMatchObject({ delivered: 0, failed: 5, deliveryErrors: 15 });
    expect(channels.webhook).toMatchObject({ delivered: 0, failed: 5 });
  });

  it("a receiver refusing with a 4xx gets each alert once (not retried) and is counted", async () => {
    const slack = await startFakeWebhookReceiver(() => 404);
    receivers.push(slack);
    const alerter = new Alerter({
      channels: ["slack"],
      slackWebhookUrl: slack.url,
      queue: { retryBaseMs: 1, maxRetries: 5 },
    });
    alerters.push(alerter);
    alerter.deploymentCooledDown({ deploymentId: "d1", modelGroup: "m" });
    alerter.deploymentCooledDown({ deploymentId: "d2", modelGroup: "m" });
    await alerter.close();
    expect(slack.requests).toHaveLength(2);
    expect(alerter.stats().channels.slack).toMatchObject({ rejected: 2, deliveryErrors: 0 });
  });

  it("checkSinkQueues alerts when a sink's failed or dropped count grows, once per window", async () => {
    const { webhook, alerter } = await setup();
    let stats = { depth: 0, dropped: 0, delivered: 10, failed: 0, deliveryErrors: 0 };
    const queue = { name: "langfuse", stats: () => stats };
    alerter.checkSinkQueues([queue]);
    stats = { ...stats, failed: 4, dropped: 2 };
    alerter.checkSinkQueues([queue]);
    stats = { ...stats, failed: 9 };
    alerter.checkSinkQueues([queue]);
    await alerter.close();
    expect(bodies(webhook)).toEqual([
      expect.objectContaining({ callback_name: "langfuse", failed: 4, dropped: 2 }),
    ]);
  });

  it("refuses a channel without its URL", () => {
    expect(() => new Alerter({ channels: ["slack"] })).toThrow(/SLACK_WEBHOOK_URL/);
    expect(() => new Alerter({ channels: ["webhook"], slackWebhookUrl: "http://x" })).toThrow(
      /WEBHOOK_URL/,
    );
  });
});
