import { describe, expect, it } from "vitest";
import { publicApiBase, publicLitellmParams, publicModelInfo } from "./public-model-fields.ts";

describe("public model fields (an allowlist)", () => {
  it("keeps routing, limits and prices; drops every other field, known or invented", () => {
    expect(
      publicLitellmParams({
        model: "openai/gpt-4o",
        api_version: "2024-06-01",
        rpm: 10,
        input_cost_per_token: 1e-6,
        api_key: "k",
        hf_token: "k",
        watsonx_token: "k",
        api_token: "k",
        aws_bearer_token_bedrock: "k",
        headers: { Authorization: "k" },
        extra_headers: { "x-api-key": "k" },
        some_new_provider_field: "k",
      }),
    ).toEqual({
      model: "openai/gpt-4o",
      api_version: "2024-06-01",
      rpm: 10,
      input_cost_per_token: 1e-6,
    });
  });

  it("shows an allowed field only when it is plain data, not an object that could hold anything", () => {
    expect(publicLitellmParams({ model: { key: "k" }, tags: ["a", { key: "k" }] })).toEqual({});
  });

  it("shows api_base without userinfo, query or fragment, and hides one that is not a URL", () => {
    expect(publicApiBase("https://u:p@host.example:8443/v1/?key=k#f")).toBe(
      "https://host.example:8443/v1",
    );
    expect(publicLitellmParams({ api_base: "not a url with p4ss" })).toEqual({});
  });

  it("keeps descriptive model_info, numeric prices and boolean capabilities only", () => {
    expect(
      publicModelInfo({
        id: "m1",
        description: "d",
        access_groups: ["g"],
        input_cost_per_token: 1,
        cost_note: "k",
        supports_vision: true,
        supports_secret: "k",
        api_key: "k",
        webhook: "https://k",
      }),
    ).toEqual({
      id: "m1",
      description: "d",
      access_groups: ["g"],
      input_cost_per_token: 1,
      supports_vision: true,
    });
  });
});
