import type { ResolvedModel } from "./catalog-entry.ts";
import { modelIdCandidates } from "./model-id-candidates.ts";
import { applyModelOverrides, baseModelOf, type ModelOverrides } from "./model-overrides.ts";
import { catalogIndexFor, type CatalogHit } from "./provider-catalogs.ts";

/** The catalog entry for a provider's model id, trying the id's undated / unprefixed forms. */
export function findCatalogEntry(provider: string, model: string): CatalogHit | undefined {
  const index = catalogIndexFor(provider);
  if (index === undefined) return undefined;
  for (const id of modelIdCandidates(provider, model)) {
    const hit = index.get(id);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Where to look a deployment's model up. A `base_model` names the priced model behind a name the
 * catalog cannot know (an Azure deployment name, a Bedrock application inference profile ARN);
 * it may carry its own provider prefix (`azure/gpt-4o-2024-08-06`).
 */
function catalogTarget(
  provider: string,
  model: string,
  overrides: ModelOverrides | undefined,
): { provider: string; model: string } {
  const base = baseModelOf(overrides);
  if (base === undefined) return { provider, model };
  const slash = base.indexOf("/");
  if (slash > 0) {
    const prefix = base.slice(0, slash).toLowerCase();
    if (catalogIndexFor(prefix) !== undefined)
      return { provider: prefix, model: base.slice(slash + 1) };
  }
  return { provider, model: base };
}

/**
 * A model's limits, prices and capabilities: `provider` is the LiteLLM provider prefix
 * ("openai", "azure", "bedrock", "vertex_ai"...), `model` the provider's model id, with or without
 * that prefix. `overrides` are the deployment's `litellm_params` / `model_info`; they win over
 * the catalog (see `applyModelOverrides`).
 *
 * Returns undefined for a model neither the catalog nor the overrides describe: callers decide
 * what an unknown model means (a budget may refuse it, a log may record cost 0).
 */
export function lookupModel(
  provider: string,
  model: string,
  overrides?: ModelOverrides,
): ResolvedModel | undefined {
  const target = catalogTarget(provider, model, overrides);
  return applyModelOverrides(findCatalogEntry(target.provider, target.model), provider, overrides);
}
