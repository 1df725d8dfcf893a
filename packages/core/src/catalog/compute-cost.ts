import type { ModelMode } from "./catalog-entry.ts";
import { lookupModel } from "./lookup-model.ts";
import type { ModelOverrides } from "./model-overrides.ts";
import { priceUsage, type BillableUsage, type CostBreakdown } from "./price-usage.ts";

export interface ComputeCostInput {
  provider: string;
  model: string;
  usage: BillableUsage;
  overrides?: ModelOverrides;
  /** Defaults to the model's mode. */
  kind?: ModelMode;
  /** The request's duration, for models priced per second. */
  durationSeconds?: number;
}

/** `known: false` means no price was found: every amount is 0 and the caller decides. */
export interface CostResult extends CostBreakdown {
  known: boolean;
}

/**
 * The exact cost of a finished request from its usage (see `priceUsage` for the rules). Callers
 * that price many requests of one deployment can `lookupModel` once and call `priceUsage`.
 */
export function computeCost({
  provider,
  model,
  usage,
  overrides,
  kind,
  durationSeconds,
}: ComputeCostInput): CostResult {
  const resolved = lookupModel(provider, model, overrides);
  if (resolved === undefined || resolved.priceSource === "none") {
    return { cost: 0, inputCost: 0, outputCost: 0, known: false };
  }
  return { ...priceUsage(resolved, usage, kind, durationSeconds), known: true };
}
