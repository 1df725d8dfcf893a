import { describe, expect, it } from "vitest";
import { AlertingConfigError, resolveAlertingConfig } from "./alerting-config.ts";

const env = {
  SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/secret-path",
  WEBHOOK_URL: "https://alerts.example.com/hook",
};

describe("resolveAlertingConfig", () => {
  it("is off without general_settings.alerting", () => {
    expect(resolveAlertingConfig({}, env)).toBeUndefined();
    expect(resolveAlertingConfig({ alerting: null }, env)).toBeUndefined();
  });

  it("reads LiteLLM's keys: channels, alerting_threshold, alert_types, alerting_args", () => {
    const resolved = resolveAlertingConfig(
      {
        alerting: ["slack", "webhook", "email"],
        alerting_threshold: 120,
        alert_types: ["llm_too_slow", "budget_alerts", "daily_reports"],
        alerting_args: { budget_alert_ttl: 3_600, alert_window_seconds: 60 },
      },
      env,
    );
    expect(resolved).toMatchObject({
      channels: ["slack", "webhook"],
      slowThresholdSeconds: 120,
      alertTypes: ["llm_too_slow", "budget_alerts", "daily_reports"],
      slackWebhookUrl: env.SLACK_WEBHOOK_URL,
      webhookUrl: env.WEBHOOK_URL,
      unsupportedTypes: ["daily_reports"],
      unsupportedChannels: ["email"],
      windowMs: {
        soft_budget_crossed: 3_600_000,
        budget_exceeded: 3_600_000,
        near_expiry: 3_600_000,
        slow_response: 60_000,
        deployment_cooled_down: 60_000,
        sink_failing: 60_000,
      },
    });
  });

  it("falls back to ALERTING_WEBHOOK_URL for Slack, as LiteLLM does", () => {
    const resolved = resolveAlertingConfig(
      { alerting: ["slack"] },
      { ALERTING_WEBHOOK_URL: "https://discord.example.com/api/webhooks/1/x/slack" },
    );
    expect(resolved?.slackWebhookUrl).toBe("https://discord.example.com/api/webhooks/1/x/slack");
    expect(resolved?.webhookUrl).toBeUndefined();
  });

  it("refuses bad values with the key's name and never echoes a webhook URL", () => {
    const cases: [Parameters<typeof resolveAlertingConfig>[0], object, RegExp][] = [
      [{ alerting: "slack" }, env, /alerting must be a list/],
      [{ alerting: ["slack"] }, {}, /SLACK_WEBHOOK_URL is not set/],
      [{ alerting: ["webhook"] }, { SLACK_WEBHOOK_URL: "x" }, /WEBHOOK_URL is not set/],
      [{ alerting: ["slack"], alerting_threshold: 0 }, env, /alerting_threshold/],
      [{ alerting: ["slack"], alerting_threshold: "300" }, env, /alerting_threshold/],
      [{ alerting: ["slack"], alert_types: ["llm_to_slow"] }, env, /unknown "llm_to_slow"/],
      [{ alerting: ["slack"], alert_types: "budget_alerts" }, env, /alert_types must be a list/],
      [{ alerting: ["slack"], alerting_args: { budget_alert_ttl: -1 } }, env, /budget_alert_ttl/],
    ];
    for (const [settings, vars, message] of cases) {
      expect(() => resolveAlertingConfig(settings, vars)).toThrow(AlertingConfigError);
      expect(() => resolveAlertingConfig(settings, vars)).toThrow(message);
    }
    const secret = "not a url sk-secret-path-123456";
    let error: unknown;
    try {
      resolveAlertingConfig({ alerting: ["slack"] }, { SLACK_WEBHOOK_URL: secret });
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).toMatch(/SLACK_WEBHOOK_URL is not a URL/);
    expect(String(error)).not.toContain("sk-secret");
  });

  it("alerting with only channels we do not deliver to is off, and says which", () => {
    expect(resolveAlertingConfig({ alerting: ["pagerduty"] }, env)).toBeUndefined();
  });
});
