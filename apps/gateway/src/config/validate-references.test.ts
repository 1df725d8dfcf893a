import { describe, expect, it } from "vitest";
import { loadConfigFromObject } from "./load-config.ts";

const deployment = (name: string, model: string) => ({
  model_name: name,
  litellm_params: { model },
});

function warningsFor(config: Record<string, unknown>, knownProviders?: string[]): string[] {
  return loadConfigFromObject(config, { env: {}, ...(knownProviders ? { knownProviders } : {}) })
    .warnings;
}

describe("validateReferences", () => {
  it("accepts fallbacks and aliases that name model_names, aliases and wildcard routes", () => {
    expect(
      warningsFor({
        model_list: [deployment("a", "openai/a"), deployment("openai/*", "openai/*")],
        router_settings: {
          model_group_alias: { "gpt-4": "a", hidden: { model: "a", hidden: true } },
          fallbacks: [{ a: ["gpt-4", "openai/gpt-4o-mini"] }, { "*": ["a"] }],
          default_fallbacks: ["a"],
        },
      }).filter((warning) => !warning.startsWith("config key")),
    ).toEqual([]);
  });

  it("names the entry and the missing fallback source and target", () => {
    expect(
      warningsFor({
        model_list: [deployment("a", "openai/a")],
        litellm_settings: { fallbacks: [{ a: ["b"] }, { ghost: ["a"] }] },
      }),
    ).toEqual([
      "litellm_settings.fallbacks[0]: a falls back to 'b', which is not a model_name in model_list; that fallback will be skipped",
      "litellm_settings.fallbacks[1]: fallbacks are set for 'ghost', which is not a model_name in model_list; this entry never applies",
    ]);
  });

  it("points out a target that is a provider model rather than a model_name", () => {
    const [warning] = warningsFor({
      model_list: [deployment("fast", "anthropic/claude-haiku-4-5")],
      router_settings: { fallbacks: [{ fast: ["claude-haiku-4-5"] }] },
    });
    expect(warning).toBe(
      "router_settings.fallbacks[0]: fast falls back to 'claude-haiku-4-5', which is not a model_name in model_list; that fallback will be skipped ('claude-haiku-4-5' is the provider model of model_list[0] (fast); fallbacks name a model_name)",
    );
  });

  it("reports aliases pointing nowhere", () => {
    expect(
      warningsFor({
        model_list: [deployment("a", "openai/a")],
        router_settings: { model_group_alias: { "gpt-4.1": "missing" } },
      }),
    ).toEqual([
      `router_settings.model_group_alias["gpt-4.1"]: alias 'gpt-4.1' points to 'missing', which is not a model_name in model_list; requests for 'gpt-4.1' will fail`,
    ]);
  });

  it("notes a model without a provider prefix, which LiteLLM sends to OpenAI", () => {
    expect(warningsFor({ model_list: [deployment("a", "gpt-4o")] })).toEqual([
      "model_list[0].litellm_params.model: 'gpt-4o' has no provider prefix, so it is treated as 'openai/gpt-4o' (as LiteLLM does); write the prefix to make this explicit",
    ]);
  });

  it("warns when there is nothing to serve", () => {
    expect(warningsFor({ general_settings: { master_key: "sk-1" } })).toEqual([
      "model_list is empty: the gateway starts, but has no models to serve",
    ]);
  });
});
