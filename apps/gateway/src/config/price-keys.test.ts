import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { loadConfigFromObject } from "./load-config.ts";

// LiteLLM's price fields are priced now (router: @org/core's catalog, config winning field by
// field): startup must not call them planned, and a bad value is a config error naming its path,
// not a silent fallback to the catalog's price.
const model = (litellm_params: Record<string, unknown>, model_info?: Record<string, unknown>) => ({
  model_name: "m",
  litellm_params: { model: "openai/gpt-4o", api_key: "sk-x", ...litellm_params },
  ...(model_info === undefined ? {} : { model_info }),
});

function issuesOf(config: Record<string, unknown>) {
  try {
    loadConfigFromObject(config, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("price keys in model_list", () => {
  it("accepts every price field without a warning", () => {
    const prices = {
      input_cost_per_token: 1e-6,
      output_cost_per_token: "2e-6",
      cache_read_input_token_cost: 1e-7,
      cache_creation_input_token_cost: 1.25e-6,
      output_cost_per_reasoning_token: 3e-6,
      input_cost_per_token_above_200k_tokens: 2e-6,
      output_cost_per_token_above_200k_tokens: 4e-6,
      input_cost_per_second: 0.0004,
      output_cost_per_second: 0.0004,
      cost_per_second: 0.0004,
    };
    const loaded = loadConfigFromObject({ model_list: [model(prices, prices)] }, { env: {} });
    expect(loaded.warnings).toEqual([]);
  });

  it("refuses a negative or non-numeric price, naming where it is", () => {
    expect(issuesOf({ model_list: [model({ cache_read_input_token_cost: -1e-7 })] })).toEqual([
      "model_list[0].litellm_params.cache_read_input_token_cost",
    ]);
    expect(
      issuesOf({ model_list: [model({}, { output_cost_per_token_above_200k_tokens: "cheap" })] }),
    ).toEqual(["model_list[0].model_info.output_cost_per_token_above_200k_tokens"]);
  });
});
