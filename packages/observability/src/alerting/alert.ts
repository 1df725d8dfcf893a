import type { AlertCondition, AlertType } from "./alert-types.ts";

/** LiteLLM's alert levels (shown in the Slack message). */
export type AlertLevel = "Low" | "Medium" | "High";

/** LiteLLM's webhook `event_group`, plus the groups of our own conditions. */
export type AlertEventGroup = "key" | "team" | "user" | "customer" | "org" | "proxy";

export type AlertFieldValue = string | number | boolean | null | readonly string[];

/** One alert, as the channels receive it (before formatting). Plain data. */
export interface Alert {
  readonly condition: AlertCondition;
  readonly alertType: AlertType;
  /** LiteLLM's webhook `event` (`budget_crossed`, `soft_budget_crossed`, ...) or ours. */
  readonly event: string;
  readonly eventGroup: AlertEventGroup;
  readonly level: AlertLevel;
  readonly title: string;
  /** One human sentence; LiteLLM's `event_message`. */
  readonly message: string;
  /** Structured details, with LiteLLM's webhook field names where it has them. */
  readonly fields: Readonly<Record<string, AlertFieldValue>>;
  /** Epoch ms when it was raised. */
  readonly timestamp: number;
  /** Times the condition was seen since the last alert for it (1: this is the first). */
  readonly occurrences: number;
}
