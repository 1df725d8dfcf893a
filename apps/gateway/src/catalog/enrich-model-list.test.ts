import { describe, expect, it } from "vitest";
import { enrichModelList } from "./enrich-model-list.ts";

describe("enrichModelList", () => {
  it("fills context window and prices from the catalog, keeping configured values", () => {
    const [known, custom, unknown] = enrichModelList([
      { model_name: "a", litellm_params: { model: "openai/gpt-4o" } },
      {
        model_name: "b",
        litellm_params: { model: "openai/gpt-4o" },
        model_info: { max_input_tokens: 1000 },
      },
      { model_name: "c", litellm_params: { model: "openai/not-a-model-xyz" } },
    ]);
    expect(known?.model_info?.max_input_tokens).toBe(128000);
    expect(known?.model_info?.input_cost_per_token).toBeGreaterThan(0);
    expect(custom?.model_info?.max_input_tokens).toBe(1000);
    expect(unknown?.model_info).toBeUndefined();
  });
});
