import { BudgetExceededError } from "@org/core";
import { pythonFloat } from "../util/python-repr.ts";
import type { BudgetLine } from "./budget-line.ts";

/**
 * LiteLLM's refusal for the line that ran out (HTTP 400, type `budget_exceeded`), in its wording
 * per scope so clients matching on it keep working. When requests in flight hold part of the
 * budget, the message says how much.
 */
export function budgetExceededError(
  line: BudgetLine,
  spend: number,
  reserved: number,
): BudgetExceededError {
  const cost = pythonFloat(spend);
  const max = pythonFloat(line.maxBudget ?? 0);
  let message: string;
  switch (line.scope) {
    case "key":
      message = `Budget has been exceeded! Current cost: ${cost}, Max budget: ${max}`;
      break;
    case "team":
      message = `Budget has been exceeded! Team=${line.entityId} Current cost: ${cost}, Max budget: ${max}`;
      break;
    case "team_member":
      message = `Budget has been exceeded! User=${line.entityId} in Team=${line.detail} Current cost: ${cost}, Max budget: ${max}`;
      break;
    case "organization":
      message = `Budget has been exceeded! Organization=${line.entityId} Current cost: ${cost}, Max budget: ${max}`;
      break;
    case "user":
      message = `ExceededBudget: User=${line.entityId} over budget. Spend=${cost}, Budget=${max}`;
      break;
    case "end_user":
      message = `ExceededBudget: End User=${line.entityId} over budget. Spend=${cost}, Budget=${max}`;
      break;
    case "key_model":
      message = `Budget has been exceeded! Model=${line.detail} Current cost: ${cost}, Max budget: ${max}`;
      break;
  }
  if (reserved > 0) message += ` (requests in flight hold ${pythonFloat(reserved)} more)`;
  return new BudgetExceededError(message);
}
