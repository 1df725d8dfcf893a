import type { BudgetLine } from "../budgets/budget-line.ts";
import type { VirtualKeyIdentity } from "../keys/identity.ts";

/**
 * The key's `model_max_budget` line a request answers to: the model group's, the requested
 * model's, or, as LiteLLM matches it, the requested model's without its provider prefix
 * (`openai/gpt-4o` → `gpt-4o`). Without that last step a key limited on `gpt-4o` called
 * `openai/gpt-4o` through an `openai/*` wildcard (or a provider route) with no limit at all.
 */
export function modelBudgetOf(
  key: VirtualKeyIdentity,
  group: string,
  requested: string,
): BudgetLine | undefined {
  const budgets = key.modelBudgets;
  if (budgets.size === 0) return undefined;
  return budgets.get(group) ?? budgets.get(requested) ?? budgets.get(withoutProvider(requested));
}

/** `openai/gpt-4o` → `gpt-4o`: the part after the last `/` (LiteLLM's rule). */
export function withoutProvider(model: string): string {
  const slash = model.lastIndexOf("/");
  return slash === -1 ? model : model.slice(slash + 1);
}
