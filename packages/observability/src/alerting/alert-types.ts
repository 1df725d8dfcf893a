/**
 * LiteLLM's `general_settings.alert_types` names (litellm/proxy/_types.py `AlertType`) and the
 * conditions this gateway alerts on. A config written for LiteLLM keeps working: every LiteLLM
 * name is accepted; the ones with no condition here are reported back (`unsupportedTypes`) so
 * the gateway can warn once instead of silently doing nothing.
 */

/** LiteLLM's names. */
export const LITELLM_ALERT_TYPES = [
  "llm_exceptions",
  "llm_too_slow",
  "llm_requests_hanging",
  "budget_alerts",
  "spend_reports",
  "failed_tracking_spend",
  "db_exceptions",
  "daily_reports",
  "cooldown_deployment",
  "new_model_added",
  "outage_alerts",
  "region_outage_alerts",
  "fallback_reports",
  "new_virtual_key_created",
  "virtual_key_updated",
  "virtual_key_deleted",
  "new_team_created",
  "team_updated",
  "team_deleted",
  "new_internal_user_created",
  "internal_user_updated",
  "internal_user_deleted",
] as const;

/** Ours, for conditions LiteLLM has no alert type for. */
export const GATEWAY_ALERT_TYPES = ["key_expiry", "sink_failures"] as const;

export type LiteLLMAlertType = (typeof LITELLM_ALERT_TYPES)[number];
export type GatewayAlertType = (typeof GATEWAY_ALERT_TYPES)[number];
export type AlertType = LiteLLMAlertType | GatewayAlertType;

/** The conditions the Alerter has a method for. */
export type AlertCondition =
  | "soft_budget_crossed"
  | "budget_exceeded"
  | "near_expiry"
  | "deployment_cooled_down"
  | "slow_response"
  | "sink_failing";

/** Which `alert_types` name turns each condition on. */
export const CONDITION_ALERT_TYPE: Readonly<Record<AlertCondition, AlertType>> = {
  soft_budget_crossed: "budget_alerts",
  budget_exceeded: "budget_alerts",
  near_expiry: "key_expiry",
  deployment_cooled_down: "cooldown_deployment",
  slow_response: "llm_too_slow",
  sink_failing: "sink_failures",
};

/** The alert types with a condition here: all on when `alert_types` is not set. */
export const IMPLEMENTED_ALERT_TYPES: readonly AlertType[] = [
  ...new Set(Object.values(CONDITION_ALERT_TYPE)),
];

const KNOWN = new Set<string>([...LITELLM_ALERT_TYPES, ...GATEWAY_ALERT_TYPES]);

export function isAlertType(value: string): value is AlertType {
  return KNOWN.has(value);
}
