import type { BudgetLine } from "../budgets/budget-line.ts";
import type { VirtualKeyIdentity } from "../keys/identity.ts";
import { pythonFloat } from "../util/python-repr.ts";

/**
 * What `x-litellm-key-spend` / `x-litellm-key-max-budget` say for one request: the key's spend
 * before this request and its max budget (LiteLLM sends `str(user_api_key_dict.spend)` and
 * `str(max_budget)`, dropping the budget header when there is none). Virtual keys only: the
 * master key has no spend of its own.
 *
 * The spend is what the hooks already hold, so no request pays a round trip for it: for a key
 * with a budget line, the ledger's settled spend read in the same step as the hold (live, shared
 * across instances with Redis); for a key without one, the spend its cached record was loaded
 * with (as stale as the key cache, like LiteLLM's cached key object).
 */
export interface KeyBudgetFigures {
  spend: number;
  maxBudget: number | undefined;
}

/** The key's own line: built first in `buildKeyIdentity`, so index 0 when present. */
export function keyLineOf(key: VirtualKeyIdentity): BudgetLine | undefined {
  const first = key.budgetLines[0];
  return first !== undefined && first.scope === "key" ? first : undefined;
}

/** Before the ledger answers (or without a key line): the loaded record's figures. */
export function loadedKeyFigures(key: VirtualKeyIdentity): KeyBudgetFigures {
  const line = keyLineOf(key);
  return { spend: key.spend ?? line?.seedSpend ?? 0, maxBudget: line?.maxBudget };
}

export function keyBudgetHeaders(figures: KeyBudgetFigures): Record<string, string> {
  const headers: Record<string, string> = { "x-litellm-key-spend": pythonFloat(figures.spend) };
  if (figures.maxBudget !== undefined) {
    headers["x-litellm-key-max-budget"] = pythonFloat(figures.maxBudget);
  }
  return headers;
}
