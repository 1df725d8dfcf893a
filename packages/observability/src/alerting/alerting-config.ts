import type { AlertChannel } from "./alert-channel-sink.ts";
import { isAlertType, IMPLEMENTED_ALERT_TYPES, type AlertType } from "./alert-types.ts";
import { DEFAULT_ALERT_WINDOWS_MS, type AlerterOptions } from "./alerter.ts";
import type { AlertCondition } from "./alert-types.ts";

/** The `general_settings` keys LiteLLM reads for alerting, as they come out of the YAML. */
export interface AlertingSettings {
  readonly alerting?: unknown;
  readonly alerting_threshold?: unknown;
  readonly alert_types?: unknown;
  readonly alerting_args?: unknown;
}

/** The environment variables LiteLLM reads for alerting (passed in by the gateway). */
export interface AlertingEnv {
  readonly SLACK_WEBHOOK_URL?: string;
  /** LiteLLM's fallback when SLACK_WEBHOOK_URL is unset. */
  readonly ALERTING_WEBHOOK_URL?: string;
  readonly WEBHOOK_URL?: string;
}

export type ResolvedAlerting = Pick<
  AlerterOptions,
  "channels" | "alertTypes" | "slowThresholdSeconds" | "slackWebhookUrl" | "webhookUrl" | "windowMs"
> & {
  /** LiteLLM alert types accepted but with no condition here (the gateway warns once). */
  readonly unsupportedTypes: readonly AlertType[];
  /** LiteLLM channels this gateway does not deliver to (`email`, `pagerduty`, ...). */
  readonly unsupportedChannels: readonly string[];
};

export class AlertingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlertingConfigError";
  }
}

const CHANNELS: readonly AlertChannel[] = ["slack", "webhook"];

/**
 * `general_settings.alerting` / `alerting_threshold` / `alert_types` / `alerting_args` to
 * Alerter options, or an AlertingConfigError naming the key and what it expects. Returns
 * undefined when alerting is off (no `alerting`, or only channels we do not deliver to).
 */
export function resolveAlertingConfig(
  settings: AlertingSettings,
  env: AlertingEnv,
): ResolvedAlerting | undefined {
  const alerting = settings.alerting;
  if (alerting === undefined || alerting === null) return undefined;
  if (!isStringArray(alerting)) {
    throw new AlertingConfigError(
      'general_settings.alerting must be a list of channels, e.g. ["slack", "webhook"]',
    );
  }
  const channels = CHANNELS.filter((channel) => alerting.includes(channel));
  const unsupportedChannels = alerting.filter((c) => !(CHANNELS as string[]).includes(c));

  const threshold = settings.alerting_threshold;
  if (
    threshold !== undefined &&
    threshold !== null &&
    !(typeof threshold === "number" && Number.isFinite(threshold) && threshold > 0)
  ) {
    throw new AlertingConfigError(
      "general_settings.alerting_threshold must be a positive number of seconds",
    );
  }

  let alertTypes: AlertType[] | undefined;
  const types = settings.alert_types;
  if (types !== undefined && types !== null) {
    if (!isStringArray(types)) {
      throw new AlertingConfigError("general_settings.alert_types must be a list of alert types");
    }
    const unknown = types.filter((t) => !isAlertType(t));
    if (unknown.length > 0) {
      throw new AlertingConfigError(
        `general_settings.alert_types: unknown ${unknown.map((t) => JSON.stringify(t)).join(", ")}; supported: ${IMPLEMENTED_ALERT_TYPES.join(", ")}`,
      );
    }
    alertTypes = types as AlertType[];
  }
  const unsupportedTypes = (alertTypes ?? []).filter((t) => !IMPLEMENTED_ALERT_TYPES.includes(t));

  const slackWebhookUrl = nonEmpty(env.SLACK_WEBHOOK_URL) ?? nonEmpty(env.ALERTING_WEBHOOK_URL);
  const webhookUrl = nonEmpty(env.WEBHOOK_URL);
  if (channels.includes("slack")) requireUrl(slackWebhookUrl, "slack", "SLACK_WEBHOOK_URL");
  if (channels.includes("webhook")) requireUrl(webhookUrl, "webhook", "WEBHOOK_URL");
  if (channels.length === 0) return undefined;

  return {
    channels,
    alertTypes,
    slowThresholdSeconds: typeof threshold === "number" ? threshold : undefined,
    slackWebhookUrl: channels.includes("slack") ? slackWebhookUrl : undefined,
    webhookUrl: channels.includes("webhook") ? webhookUrl : undefined,
    windowMs: windowsFromArgs(settings.alerting_args),
    unsupportedTypes,
    unsupportedChannels,
  };
}

/**
 * `alerting_args.budget_alert_ttl` (LiteLLM's, seconds) sets the budget and expiry window;
 * `alerting_args.alert_window_seconds` (ours) the others.
 */
function windowsFromArgs(args: unknown): Partial<Record<AlertCondition, number>> | undefined {
  if (args === undefined || args === null) return undefined;
  if (typeof args !== "object" || Array.isArray(args)) {
    throw new AlertingConfigError("general_settings.alerting_args must be a mapping");
  }
  const record = args as Record<string, unknown>;
  const budget = seconds(record, "budget_alert_ttl");
  const other = seconds(record, "alert_window_seconds");
  if (budget === undefined && other === undefined) return undefined;
  const out: Partial<Record<AlertCondition, number>> = {};
  for (const condition of Object.keys(DEFAULT_ALERT_WINDOWS_MS) as AlertCondition[]) {
    const isBudget =
      condition === "soft_budget_crossed" ||
      condition === "budget_exceeded" ||
      condition === "near_expiry";
    const value = isBudget ? budget : other;
    if (value !== undefined) out[condition] = value * 1_000;
  }
  return out;
}

function seconds(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new AlertingConfigError(
      `general_settings.alerting_args.${key} must be a non-negative number of seconds`,
    );
  }
  return value;
}

function requireUrl(url: string | undefined, channel: string, variable: string): void {
  if (url === undefined) {
    throw new AlertingConfigError(
      `general_settings.alerting includes "${channel}" but ${variable} is not set`,
    );
  }
  try {
    new URL(url);
  } catch {
    // The value itself is not echoed: a webhook URL is a secret.
    throw new AlertingConfigError(`${variable} is not a URL`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
