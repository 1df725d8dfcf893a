import { describe, expect, it } from "vitest";
import { checkModelEntry } from "./check-model-entry.ts";

describe("checkModelEntry (/model/new, /model/update)", () => {
  it("refuses a litellm_params typo as a config file's model_list does", () => {
    expect(
      checkModelEntry({
        model_name: "m",
        litellm_params: { model: "openai/gpt-4o", api_bse: "http://127.0.0.1:1/v1" },
      } as never),
    ).toEqual({
      path: "litellm_params.api_bse",
      message: "litellm_params.api_bse is not a known setting; did you mean api_base?",
    });
  });

  it("accepts provider-specific params that resemble no known one", () => {
    expect(
      checkModelEntry({
        model_name: "m",
        litellm_params: { model: "vertex_ai/gemini-2.5-pro", vertex_project: "p", my_flag: 1 },
      } as never),
    ).toBeUndefined();
  });
});
