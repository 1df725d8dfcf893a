import { describe, expect, it } from "vitest";
import { lookupModel } from "./lookup-model.ts";

describe("lookupModel", () => {
  it("finds a provider's model by its id, with or without the provider prefix", () => {
    const gpt4o = lookupModel("openai", "gpt-4o");
    expect(gpt4o).toMatchObject({
      provider: "openai",
      catalogKey: "gpt-4o",
      priceSource: "catalog",
      mode: "chat",
      max_input_tokens: 128_000,
      max_output_tokens: 16_384,
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
      cache_read_input_token_cost: 1.25e-6,
      supports_function_calling: true,
      supports_vision: true,
    });
    expect(lookupModel("openai", "openai/gpt-4o")).toEqual(gpt4o);
    expect(lookupModel("gemini", "gemini/gemini-2.5-pro")?.catalogKey).toBe("gemini-2.5-pro");
    expect(lookupModel("anthropic", "anthropic/claude-sonnet-4-6")?.max_input_tokens).toBe(
      1_000_000,
    );
  });

  it("falls back from a dated snapshot to the undated model", () => {
    expect(lookupModel("openai", "gpt-4o-2024-08-06")?.catalogKey).toBe("gpt-4o");
    expect(lookupModel("openai", "gpt-5-mini-2025-08-07")?.catalogKey).toBe("gpt-5-mini");
    expect(lookupModel("anthropic", "claude-sonnet-4-5-20250929")).toMatchObject({
      catalogKey: "claude-sonnet-4-5",
      cache_creation_input_token_cost: 3.75e-6,
    });
    expect(lookupModel("anthropic", "claude-haiku-4-5-20251001")?.catalogKey).toBe(
      "claude-haiku-4-5",
    );
    expect(lookupModel("gemini", "gemini-2.0-flash-001")?.catalogKey).toBe("gemini-2.0-flash");
  });

  it("keeps a snapshot whose price differs from the undated model", () => {
    expect(lookupModel("openai", "gpt-4o-2024-05-13")).toMatchObject({
      catalogKey: "gpt-4o-2024-05-13",
      input_cost_per_token: 5e-6,
    });
  });

  it("strips Bedrock region prefixes unless the catalog prices the region apart", () => {
    // LiteLLM prices the US profile of Sonnet 4.5 10% above the in-region model.
    expect(lookupModel("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toMatchObject({
      catalogKey: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      input_cost_per_token: 3.3e-6,
    });
    expect(
      lookupModel("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0")?.input_cost_per_token,
    ).toBe(3e-6);
    expect(
      lookupModel("bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0")?.catalogKey,
    ).toBe("anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(
      lookupModel("bedrock", "bedrock/converse/apac.meta.llama3-3-70b-instruct-v1:0")?.catalogKey,
    ).toBe("meta.llama3-3-70b-instruct-v1:0");
    expect(lookupModel("bedrock", "amazon.titan-embed-text-v2:0")).toMatchObject({
      mode: "embedding",
      input_cost_per_token: 2e-8,
    });
  });

  it("prices Azure by base_model, with Azure's own prices where they differ", () => {
    expect(
      lookupModel("azure", "prod-gpt4o", { model_info: { base_model: "azure/gpt-4o-2024-08-06" } }),
    ).toMatchObject({
      provider: "openai",
      catalogKey: "gpt-4o",
    });
    expect(
      lookupModel("azure", "my-deployment", { litellm_params: { base_model: "gpt-4.1" } })
        ?.catalogKey,
    ).toBe("gpt-4.1");
    expect(lookupModel("azure", "gpt-4o-mini")).toMatchObject({
      provider: "azure",
      input_cost_per_token: 1.65e-7,
    });
    expect(lookupModel("azure", "gpt-35-turbo")?.catalogKey).toBe("gpt-3.5-turbo");
    // An Azure deployment name alone says nothing about the model.
    expect(lookupModel("azure", "prod-gpt4o")).toBeUndefined();
  });

  it("resolves Vertex AI's Gemini and Claude models, and the product's gemini-3 names", () => {
    expect(lookupModel("vertex_ai", "claude-sonnet-4-5@20250929")?.catalogKey).toBe(
      "claude-sonnet-4-5",
    );
    expect(lookupModel("vertex_ai", "gemini-2.5-flash")?.provider).toBe("gemini");
    expect(lookupModel("vertex_ai", "text-embedding-004")?.mode).toBe("embedding");
    expect(lookupModel("gemini", "gemini/gemini-3-pro")?.catalogKey).toBe("gemini-3-pro-preview");
    expect(lookupModel("gemini", "gemini-3-flash")?.catalogKey).toBe("gemini-3-flash-preview");
  });

  it("matches ids case-insensitively", () => {
    expect(
      lookupModel("together_ai", "together_ai/meta-llama/llama-3.3-70b-instruct-turbo")?.catalogKey,
    ).toBe("meta-llama/Llama-3.3-70B-Instruct-Turbo");
  });

  it("returns undefined for models and providers it does not know", () => {
    expect(lookupModel("openai", "gpt-9-ultra")).toBeUndefined();
    expect(lookupModel("ollama", "llama3")).toBeUndefined();
  });

  describe("overrides", () => {
    it("lets litellm_params win over model_info, and model_info over the catalog", () => {
      const resolved = lookupModel("openai", "gpt-4o", {
        litellm_params: { input_cost_per_token: 1e-6 },
        model_info: {
          input_cost_per_token: 2e-6,
          output_cost_per_token: 3e-6,
          max_input_tokens: 64_000,
        },
      });
      expect(resolved).toMatchObject({
        priceSource: "config",
        input_cost_per_token: 1e-6,
        output_cost_per_token: 3e-6,
        max_input_tokens: 64_000,
        max_output_tokens: 16_384,
        supports_vision: true,
      });
      // Field by field: the catalog's cache-read price stays, so a cache hit is not billed at
      // the (negotiated) full input price.
      expect(resolved?.cache_read_input_token_cost).toBe(1.25e-6);
    });

    it("overrides limits without touching catalog prices", () => {
      expect(lookupModel("openai", "gpt-4o", { model_info: { max_tokens: 4096 } })).toMatchObject({
        priceSource: "catalog",
        max_output_tokens: 4096,
        input_cost_per_token: 2.5e-6,
      });
    });

    it("accepts numeric strings and ignores values that are not prices", () => {
      expect(
        lookupModel("openai", "gpt-4o", {
          litellm_params: { input_cost_per_token: "0.000001", output_cost_per_token: -1 },
        }),
      ).toMatchObject({
        input_cost_per_token: 1e-6,
        // A negative price is ignored: the catalog's stands.
        output_cost_per_token: 1e-5,
        priceSource: "config",
      });
    });

    it("describes a model the catalog does not know from the config alone", () => {
      expect(
        lookupModel("openai", "my-finetune", {
          litellm_params: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
          model_info: { max_input_tokens: 32_000, mode: "chat" },
        }),
      ).toMatchObject({ catalogKey: undefined, priceSource: "config", max_input_tokens: 32_000 });
      expect(
        lookupModel("ollama", "llama3", { model_info: { max_input_tokens: 8192 } }),
      ).toMatchObject({
        priceSource: "none",
        input_cost_per_token: 0,
      });
    });
  });
});
