import type { NewBudget } from "@org/db";
import { resetAtFor } from "./lookups.ts";

/** The limit fields several requests share (LiteLLM's LiteLLM_BudgetTable fields). */
export interface LimitInput {
  max_budget?: number | null;
  soft_budget?: number | null;
  max_parallel_requests?: number | null;
  tpm_limit?: number | null;
  rpm_limit?: number | null;
  budget_duration?: string | null;
  model_max_budget?: Record<string, unknown> | null;
}

/** Budget-row columns for the limit fields present in a request. */
export function budgetColumns(req: LimitInput, now: number): Partial<NewBudget> {
  const set: Partial<NewBudget> = {};
  const has = (name: keyof LimitInput) => Object.hasOwn(req, name);
  if (has("max_budget")) set.maxBudget = req.max_budget ?? null;
  if (has("soft_budget")) set.softBudget = req.soft_budget ?? null;
  if (has("max_parallel_requests")) set.maxParallelRequests = req.max_parallel_requests ?? null;
  if (has("tpm_limit")) set.tpmLimit = req.tpm_limit ?? null;
  if (has("rpm_limit")) set.rpmLimit = req.rpm_limit ?? null;
  if (has("model_max_budget")) set.modelMaxBudget = req.model_max_budget ?? {};
  if (has("budget_duration")) {
    set.budgetDuration = req.budget_duration ?? null;
    set.budgetResetAt = resetAtFor(req.budget_duration, now);
  }
  return set;
}
