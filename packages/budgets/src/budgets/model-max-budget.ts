import { parseBudgetDuration, type BudgetDuration } from "./budget-duration.ts";

/** One model's limits on a key (LiteLLM's `model_max_budget`, `model_rpm_limit`, `model_tpm_limit`). */
export interface ModelLimit {
  readonly maxBudget: number | undefined;
  readonly duration: BudgetDuration | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
}

/**
 * Reads `model_max_budget` in each shape LiteLLM has accepted:
 * `{"gpt-4o": 5}`, `{"gpt-4o": {"budget_limit": 5, "time_period": "1d"}}` and
 * `{"gpt-4o": {"max_budget": 5, "budget_duration": "1d", "rpm_limit": 10, "tpm_limit": 1000}}`,
 * plus `model_rpm_limit` / `model_tpm_limit` maps (kept in the key's metadata, as LiteLLM does).
 */
export function parseModelLimits(
  modelMaxBudget: Record<string, unknown> | null | undefined,
  modelRpm?: unknown,
  modelTpm?: unknown,
): Map<string, ModelLimit> {
  const limits = new Map<string, ModelLimit>();
  const merge = (model: string, patch: Partial<ModelLimit>) => {
    const current = limits.get(model) ?? {
      maxBudget: undefined,
      duration: undefined,
      rpm: undefined,
      tpm: undefined,
    };
    limits.set(model, { ...current, ...definedOnly(patch) });
  };

  for (const [model, raw] of Object.entries(modelMaxBudget ?? {})) {
    if (typeof raw === "number" || typeof raw === "string") {
      const maxBudget = toNumber(raw);
      if (maxBudget !== undefined) merge(model, { maxBudget });
      continue;
    }
    if (raw === null || typeof raw !== "object") continue;
    const entry = raw as Record<string, unknown>;
    const period = entry.time_period ?? entry.budget_duration;
    const duration = typeof period === "string" ? parseBudgetDuration(period) : undefined;
    merge(model, {
      maxBudget: toNumber(entry.budget_limit ?? entry.max_budget),
      duration: typeof duration === "object" ? duration : undefined,
      rpm: toNumber(entry.rpm_limit),
      tpm: toNumber(entry.tpm_limit),
    });
  }
  for (const [model, rpm] of Object.entries(asRecord(modelRpm)))
    merge(model, { rpm: toNumber(rpm) });
  for (const [model, tpm] of Object.entries(asRecord(modelTpm)))
    merge(model, { tpm: toNumber(tpm) });
  return limits;
}

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
