import type { BudgetExceededEvent } from "@org/budgets";
import type { BudgetInput } from "@org/observability";

/**
 * A budget refusal as the Alerter's input (@org/budgets' scopes pass straight in; a key's id is
 * its hash). The Alerter raises it only when the settled spend reached the max budget: a refusal
 * because requests in flight hold the rest is not yet an exceeded budget (those holds may be
 * released), and the next refusal after they settle alerts.
 */
export function budgetExceededInput(event: BudgetExceededEvent): BudgetInput {
  return {
    scope: event.scope,
    id: event.entityId,
    ...(event.detail !== undefined ? { detail: event.detail } : {}),
    spend: event.spend,
    maxBudget: event.maxBudget,
  };
}
