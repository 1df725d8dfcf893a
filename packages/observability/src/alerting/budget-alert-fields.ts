import type { AlertEventGroup, AlertFieldValue } from "./alert.ts";
import type { BudgetInput, BudgetScope } from "./alert-inputs.ts";

/**
 * How a budget alert names its subject and fills LiteLLM's webhook budget fields, for both
 * LiteLLM's event groups and @org/budgets' scopes.
 */

export const BUDGET_EVENT_GROUP: Readonly<Record<BudgetScope, AlertEventGroup>> = {
  key: "key",
  key_model: "key",
  team: "team",
  user: "user",
  team_member: "user",
  customer: "customer",
  end_user: "customer",
  org: "org",
  organization: "org",
};

const SCOPE_LABEL: Readonly<Record<BudgetScope, string>> = {
  key: "Key",
  key_model: "Key",
  team: "Team",
  user: "User",
  team_member: "Team member",
  customer: "Customer",
  end_user: "Customer",
  org: "Organization",
  organization: "Organization",
};

export function budgetSubject(input: BudgetInput): string {
  return `${BUDGET_EVENT_GROUP[input.scope]}:${input.id}:${input.detail ?? ""}`;
}

export function scopeName(input: {
  scope: BudgetScope;
  id: string;
  alias?: string;
  detail?: string;
}): string {
  const name = `${SCOPE_LABEL[input.scope]} ${input.alias || input.id}`;
  if (input.scope === "key_model" && input.detail) return `${name} (model ${input.detail})`;
  if (input.scope === "team_member" && input.detail) return `${name} (team ${input.detail})`;
  return name;
}

export function usd(amount: number): string {
  return `$${amount.toFixed(amount < 1 ? 4 : 2)}`;
}

/** LiteLLM's webhook budget fields (`token` is the key's hash, as LiteLLM sends it). */
export function budgetFields(input: BudgetInput): Record<string, AlertFieldValue> {
  const group = BUDGET_EVENT_GROUP[input.scope];
  const member = input.scope === "team_member";
  return {
    spend: input.spend,
    max_budget: input.maxBudget ?? null,
    soft_budget: input.softBudget ?? null,
    token: group === "key" ? input.id : null,
    key_alias: group === "key" ? (input.alias ?? null) : null,
    team_id: group === "team" ? input.id : member ? (input.detail ?? null) : (input.teamId ?? null),
    team_alias: group === "team" ? (input.alias ?? null) : null,
    user_id: group === "user" ? input.id : (input.userId ?? null),
    customer_id: group === "customer" ? input.id : null,
    organization_id: group === "org" ? input.id : null,
    model: input.scope === "key_model" ? (input.detail ?? null) : null,
    projected_exceeded_date: null,
    projected_spend: null,
  };
}
