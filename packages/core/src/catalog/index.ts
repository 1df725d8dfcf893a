export * from "./catalog-entry.ts";
export { lookupModel, findCatalogEntry } from "./lookup-model.ts";
export { type ModelOverrides, applyModelOverrides, baseModelOf } from "./model-overrides.ts";
export { modelIdCandidates } from "./model-id-candidates.ts";
export { type CatalogHit, catalogProviders } from "./provider-catalogs.ts";
export { priceUsage, type BillableUsage, type CostBreakdown } from "./price-usage.ts";
export { computeCost, type ComputeCostInput, type CostResult } from "./compute-cost.ts";
export {
  estimateCost,
  priceBound,
  DEFAULT_ESTIMATE_OUTPUT_TOKENS,
  type EstimateCostInput,
  type CostEstimate,
} from "./estimate-cost.ts";
export { roundUsd } from "./round-usd.ts";
