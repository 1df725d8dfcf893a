import { redactValue } from "../logger/redact-fields.ts";
import type { Alert, AlertFieldValue } from "./alert.ts";

/**
 * What the two channels receive. Slack's incoming webhooks (and Discord's `/slack` endpoint,
 * and Mattermost's) take `{ text, blocks }`: `text` is the notification fallback, `blocks` the
 * Block Kit layout. The generic webhook gets LiteLLM's webhook event fields (`event`,
 * `event_group`, `event_message`, `spend`, `max_budget`, `token`, ...) and ours.
 *
 * Every string value goes through the key-shaped-value redaction on the way out: the inputs
 * are meant to hold key hashes and aliases only, and an alert must not become the place a
 * key leaks when a caller passes the wrong field.
 */

export interface SlackPayload {
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

/** Slack allows at most 10 fields per section block. */
const MAX_SLACK_FIELDS = 10;

export function toSlackPayload(alert: Alert): SlackPayload {
  const text = redactValue(`*${alert.title}*\n${alert.message}`);
  const fields = Object.entries(alert.fields)
    .filter(([, value]) => value !== null && value !== undefined)
    .slice(0, MAX_SLACK_FIELDS)
    .map(([name, value]) => ({
      type: "mrkdwn",
      text: redactValue(`*${name}*\n${formatValue(value)}`),
    }));
  const seen =
    alert.occurrences > 1 ? ` · seen ${alert.occurrences} times since the last alert` : "";
  const blocks: unknown[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: `${text}\nLevel: \`${alert.level}\`` },
    },
  ];
  if (fields.length > 0) blocks.push({ type: "section", fields });
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `alert_type: \`${alert.alertType}\`${seen} · ${new Date(alert.timestamp).toISOString()}`,
      },
    ],
  });
  return { text, blocks };
}

export interface WebhookAlertPayload {
  readonly event: string;
  readonly event_group: string;
  readonly event_message: string;
  readonly alert_type: string;
  readonly level: string;
  readonly timestamp: string;
  readonly occurrences: number;
  readonly [field: string]: AlertFieldValue;
}

export function toWebhookPayload(alert: Alert): WebhookAlertPayload {
  const fields: Record<string, AlertFieldValue> = {};
  for (const [name, value] of Object.entries(alert.fields)) fields[name] = redactField(value);
  return {
    ...fields,
    event: alert.event,
    event_group: alert.eventGroup,
    event_message: redactValue(alert.message),
    alert_type: alert.alertType,
    level: alert.level,
    timestamp: new Date(alert.timestamp).toISOString(),
    occurrences: alert.occurrences,
  };
}

function redactField(value: AlertFieldValue): AlertFieldValue {
  if (typeof value === "string") return redactValue(value);
  if (Array.isArray(value)) return value.map((item: string) => redactValue(item));
  return value;
}

function formatValue(value: AlertFieldValue): string {
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}
