import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig, loadConfigFromObject } from "./load-config.ts";

// The product brief's examples live in `shared/`, beside the repo folder:
// <root>/main/apps/gateway/src/config -> <root>/shared/examples (five levels up).
const EXAMPLES = fileURLToPath(new URL("../../../../../shared/examples/", import.meta.url));

function example(name: string): string {
  if (!existsSync(join(EXAMPLES, name))) {
    throw new Error(
      `product brief example ${name} not found in ${EXAMPLES}; these tests need the shared/ folder checked out beside the repo`,
    );
  }
  return join(EXAMPLES, name);
}

// The example configs reference provider keys that are unset in CI; that must not matter.
const env = {};

describe("the product brief's example configs", () => {
  it("the examples folder is present", async () => {
    expect(existsSync(EXAMPLES), `missing ${EXAMPLES}`).toBe(true);
    const yamlFiles = (await readdir(EXAMPLES)).filter((name) => /\.ya?ml$/.test(name));
    expect(yamlFiles).toEqual(
      expect.arrayContaining(["caching.yaml", "litellm-config.yaml", "load-balancing.yaml"]),
    );
  });

  it("every yaml file in the folder loads", async () => {
    for (const name of (await readdir(EXAMPLES)).filter((file) => /\.ya?ml$/.test(file))) {
      await expect(loadConfig({ path: example(name), env }), name).resolves.toBeDefined();
    }
  });

  it("litellm-config.yaml: three providers, fallback chain and retries from litellm_settings", async () => {
    const loaded = await loadConfig({ path: example("litellm-config.yaml"), env });
    expect(loaded.source).toBe(example("litellm-config.yaml"));
    expect(loaded.router.modelList.map((entry) => entry.model_name)).toEqual([
      "gpt-4o",
      "claude-sonnet",
      "gemini-pro",
    ]);
    expect(loaded.router.modelList[1]?.litellm_params.model).toBe("anthropic/claude-sonnet-4-6");
    expect(loaded.router.settings).toEqual({
      num_retries: 3,
      timeout: 60,
      fallbacks: [{ "gpt-4o": ["claude-sonnet", "gemini-pro"] }],
    });
    // Only the three unset keys are worth a message; every fallback target exists.
    expect(loaded.warnings).toEqual([
      "model_list[0].litellm_params.api_key: environment variable OPENAI_API_KEY is not set (os.environ/OPENAI_API_KEY); the value is left unset",
      "model_list[1].litellm_params.api_key: environment variable ANTHROPIC_API_KEY is not set (os.environ/ANTHROPIC_API_KEY); the value is left unset",
      "model_list[2].litellm_params.api_key: environment variable GEMINI_API_KEY is not set (os.environ/GEMINI_API_KEY); the value is left unset",
    ]);
  });

  it("litellm-config.yaml resolves the provider keys when they are set", async () => {
    const loaded = await loadConfig({
      path: example("litellm-config.yaml"),
      env: { OPENAI_API_KEY: "sk-o", ANTHROPIC_API_KEY: "sk-a", GEMINI_API_KEY: "g" },
    });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.router.modelList.map((entry) => entry.litellm_params.api_key)).toEqual([
      "sk-o",
      "sk-a",
      "g",
    ]);
  });

  it("load-balancing.yaml: one group over three providers, and both dangling fallback targets reported", async () => {
    const loaded = await loadConfig({ path: example("load-balancing.yaml"), env });
    expect(loaded.router.modelList).toHaveLength(3);
    expect(new Set(loaded.router.modelList.map((entry) => entry.model_name))).toEqual(
      new Set(["fast-llm"]),
    );
    expect(loaded.router.modelList.map((entry) => entry.litellm_params.rpm)).toEqual([
      500, 300, 400,
    ]);
    expect(loaded.router.settings).toMatchObject({
      routing_strategy: "least-busy",
      num_retries: 2,
      retry_after: 5,
      fallbacks: [{ "fast-llm": ["claude-haiku-4-5"] }],
      context_window_fallbacks: [{ "fast-llm": ["gpt-4o"] }],
    });

    const dangling = loaded.warnings.filter((warning) => warning.includes("not a model_name"));
    expect(dangling).toHaveLength(2);
    expect(dangling[0]).toMatch(
      /^router_settings\.fallbacks\[0\]: fast-llm falls back to 'claude-haiku-4-5', which is not a model_name in model_list; that fallback will be skipped/,
    );
    expect(dangling[1]).toBe(
      "router_settings.context_window_fallbacks[0]: fast-llm falls back to 'gpt-4o', which is not a model_name in model_list; that fallback will be skipped",
    );
  });

  it("caching.yaml on its own loads, with a 'planned' warning per cache key", async () => {
    const loaded = await loadConfig({ path: example("caching.yaml"), env });
    expect(loaded.warnings).toContain(
      "config key litellm_settings.cache is accepted but not yet supported; it has no effect yet",
    );
  });

  it("caching.yaml merged into a model list loads, with 'planned' warnings for the cache keys", async () => {
    const models = parse(await readFile(example("litellm-config.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    const caching = parse(await readFile(example("caching.yaml"), "utf8")) as {
      litellm_settings: Record<string, unknown>;
    };
    const merged = {
      ...models,
      litellm_settings: { ...(models.litellm_settings as object), ...caching.litellm_settings },
    };

    const loaded = loadConfigFromObject(merged, {
      env: { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k", GEMINI_API_KEY: "k" },
    });
    expect(loaded.warnings).toEqual([
      "config key litellm_settings.cache is accepted but not yet supported; it has no effect yet",
      "config key litellm_settings.cache_params is accepted but not yet supported; it has no effect yet",
      "config key litellm_settings.semantic_cache is accepted but not yet supported; it has no effect yet",
    ]);
    expect(loaded.config.litellm_settings?.cache_params).toMatchObject({
      type: "redis",
      host: "redis",
      port: 6379,
      ttl: 3600,
    });
    expect(loaded.router.settings.fallbacks).toEqual([
      { "gpt-4o": ["claude-sonnet", "gemini-pro"] },
    ]);
  });
});
