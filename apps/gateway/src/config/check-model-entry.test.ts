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

describe("checkModelEntry on an update", () => {
  const stored = { model: "openai/gpt-4o", api_key: "sk-new", api_bse: "http://127.0.0.1:1" };
  const entry = { model_name: "m", litellm_params: stored, model_info: {} };

  it("does not refuse a key stored before the check existed when the update does not write it", () => {
    expect(checkModelEntry(entry, { litellmParams: ["api_key"] })).toBeUndefined();
  });

  it("refuses the typo when the update writes it, and on a new model", () => {
    expect(checkModelEntry(entry, { litellmParams: ["api_bse"] })?.path).toBe(
      "litellm_params.api_bse",
    );
    expect(checkModelEntry(entry)?.path).toBe("litellm_params.api_bse");
  });
});

describe("checkModelEntry: real-world keys that only look like typos", () => {
  it.each(["top_n", "mode"])("accepts %s", (key) => {
    expect(
      checkModelEntry({
        model_name: "m",
        litellm_params: { model: "openai/gpt-4o", [key]: "x" },
        model_info: {},
      }),
    ).toBeUndefined();
  });
});
