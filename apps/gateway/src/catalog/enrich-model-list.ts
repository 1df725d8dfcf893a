import { lookupModel, splitProviderModel } from "@org/core";
import type { RouterModel } from "../config/index.ts";

/**
 * Fills each deployment's model_info with what the price/context catalog knows (context window,
 * output limit, prices) where the config left it out, as LiteLLM merges its model map into
 * model_info. The router uses the limits for pre-call context checks; /model/info shows them.
 * Prices are not decided here: the router prices every deployment through @org/core's catalog
 * itself (`deploymentPrice`: cache reads and writes, reasoning, long-context tiers, config prices
 * winning field by field), for both the budget hold and the charge. The prices filled in here
 * are the catalog's own, so they change nothing there. Configured values always win.
 */
export function enrichModelList(modelList: readonly RouterModel[]): RouterModel[] {
  return modelList.map((entry) => {
    const configured = String(entry.litellm_params.model ?? "");
    if (!configured || configured.includes("*")) return entry;
    const { provider, model } = splitProviderModel(configured);
    const customProvider = entry.litellm_params.custom_llm_provider;
    const resolved = lookupModel(
      typeof customProvider === "string" ? customProvider : provider,
      model,
      {
        litellm_params: entry.litellm_params as Record<string, unknown>,
        ...(entry.model_info ? { model_info: entry.model_info as Record<string, unknown> } : {}),
      },
    );
    if (!resolved) return entry;
    const info: Record<string, unknown> = { ...(entry.model_info ?? {}) };
    const fill = (key: string, value: unknown) => {
      if (info[key] === undefined && value !== undefined) info[key] = value;
    };
    fill("mode", resolved.mode);
    fill("max_input_tokens", resolved.max_input_tokens);
    fill("max_output_tokens", resolved.max_output_tokens);
    if (resolved.priceSource === "catalog") {
      fill("input_cost_per_token", resolved.input_cost_per_token);
      fill("output_cost_per_token", resolved.output_cost_per_token);
    }
    return { ...entry, model_info: info as RouterModel["model_info"] };
  });
}
