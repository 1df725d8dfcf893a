import { readdir, readFile } from "node:fs/promises";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultProviders } from "@org/core";
import { EXAMPLES_DIR, examplePath } from "../testing/examples-dir.ts";
import { loadConfig, loadConfigFromObject, type LoadedConfig } from "./load-config.ts";

// The repo's own examples (<repo>/examples): they must load with what the gateway supports today,
// and say nothing at startup beyond unset provider keys.

const YAML_FILES = ["caching.yaml", "config.yaml", "load-balancing.yaml"];
const PROVIDER_KEYS = {
  OPENAI_API_KEY: "sk-openai",
  ANTHROPIC_API_KEY: "sk-ant",
  GEMINI_API_KEY: "gemini-key",
  LITELLM_MASTER_KEY: "sk-master",
  REDIS_HOST: "redis",
  REDIS_PASSWORD: "redis-password",
};
const unsetKey =
  /^\S+: environment variable [A-Z_]+ is not set \(os\.environ\/[A-Z_]+\); the value is left unset$/;

const load = (name: string, env: Record<string, string> = {}) =>
  loadConfig({ path: examplePath(name), env });

/** The provider prefix of every deployment (`openai/gpt-4o` -> `openai`). */
const providersOf = (loaded: LoadedConfig) =>
  loaded.router.modelList.map((entry) => entry.litellm_params.model.split("/")[0]);

describe("the repo's examples/ folder", () => {
  it("holds the three configs, the management-API script and a README describing each", async () => {
    const files = await readdir(EXAMPLES_DIR);
    expect(files).toEqual(
      expect.arrayContaining([...YAML_FILES, "management-api.sh", "README.md"]),
    );
    const readme = await readFile(examplePath("README.md"), "utf8");
    for (const file of files.filter((name) => name !== "README.md")) {
      expect(readme, `README.md does not describe ${file}`).toContain(`\`${file}\``);
    }
  });

  it("every yaml file loads with no provider key set, warning only about unset keys", async () => {
    const yamlFiles = (await readdir(EXAMPLES_DIR)).filter((name) => /\.ya?ml$/.test(name));
    expect(yamlFiles.sort()).toEqual(YAML_FILES);
    for (const name of yamlFiles) {
      const loaded = await load(name);
      const other = loaded.warnings.filter((warning) => !unsetKey.test(warning));
      // An unknown key, a misplaced key or a dangling fallback target would show here.
      expect(other, name).toEqual([]);
    }
  });

  it("every deployment names a provider the gateway has built in", async () => {
    const known = defaultProviders();
    for (const name of YAML_FILES) {
      for (const provider of providersOf(await load(name, PROVIDER_KEYS))) {
        expect(known.has(provider!), `${name}: unknown provider '${provider}'`).toBe(true);
      }
    }
  });

  it("config.yaml: four providers, the fallback chain, retries, alias and master key as the router sees them", async () => {
    const loaded = await load("config.yaml", PROVIDER_KEYS);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.router.modelList.map((entry) => entry.model_name)).toEqual([
      "gpt-4o",
      "claude-sonnet",
      "gemini-pro",
      "text-embedding-3-small",
      "mock",
    ]);
    expect(new Set(providersOf(loaded))).toEqual(
      new Set(["openai", "anthropic", "gemini", "mock"]),
    );
    expect(loaded.router.modelList.map((entry) => entry.litellm_params.api_key)).toEqual([
      "sk-openai",
      "sk-ant",
      "gemini-key",
      "sk-openai",
      undefined,
    ]);
    expect(loaded.router.settings).toEqual({
      num_retries: 3,
      timeout: 60,
      drop_params: true,
      fallbacks: [{ "gpt-4o": ["claude-sonnet", "gemini-pro"] }],
      routing_strategy: "simple-shuffle",
      allowed_fails: 3,
      cooldown_time: 30,
      model_group_alias: { "gpt-4": "gpt-4o" },
    });
    expect(loaded.general.masterKey).toBe("sk-master");
  });

  it("config.yaml without keys names each unset variable once per use and nothing else", async () => {
    const loaded = await load("config.yaml");
    expect(loaded.warnings).toEqual([
      "model_list[0].litellm_params.api_key: environment variable OPENAI_API_KEY is not set (os.environ/OPENAI_API_KEY); the value is left unset",
      "model_list[1].litellm_params.api_key: environment variable ANTHROPIC_API_KEY is not set (os.environ/ANTHROPIC_API_KEY); the value is left unset",
      "model_list[2].litellm_params.api_key: environment variable GEMINI_API_KEY is not set (os.environ/GEMINI_API_KEY); the value is left unset",
      "model_list[3].litellm_params.api_key: environment variable OPENAI_API_KEY is not set (os.environ/OPENAI_API_KEY); the value is left unset",
      "general_settings.master_key: environment variable LITELLM_MASTER_KEY is not set (os.environ/LITELLM_MASTER_KEY); the value is left unset",
    ]);
    // The master key falls back to the environment / the stored key, as LiteLLM's does.
    expect(loaded.general.masterKey).toBeUndefined();
  });

  it("load-balancing.yaml: one group over three providers with rate limits, and fallbacks that exist", async () => {
    const loaded = await load("load-balancing.yaml", PROVIDER_KEYS);
    expect(loaded.warnings).toEqual([]);
    const fast = loaded.router.modelList.filter((entry) => entry.model_name === "fast-llm");
    expect(fast.map((entry) => entry.litellm_params.model)).toEqual([
      "openai/gpt-4o-mini",
      "anthropic/claude-haiku-4-5",
      "gemini/gemini-2.5-flash",
    ]);
    expect(fast.map((entry) => [entry.litellm_params.rpm, entry.litellm_params.tpm])).toEqual([
      [500, 200000],
      [300, 100000],
      [400, 150000],
    ]);
    expect(loaded.router.settings).toMatchObject({
      routing_strategy: "usage-based-routing-v2",
      num_retries: 2,
      retry_after: 5,
      allowed_fails: 3,
      cooldown_time: 30,
      enable_pre_call_checks: true,
      fallbacks: [{ "fast-llm": ["smart-llm"] }],
      context_window_fallbacks: [{ "fast-llm": ["long-context-llm"] }],
    });
    // Every fallback target is a model_name of the file (a dangling one would be a warning).
    const names = new Set(loaded.router.modelList.map((entry) => entry.model_name));
    expect(names.has("smart-llm") && names.has("long-context-llm")).toBe(true);
  });

  it("caching.yaml: LiteLLM's cache keys load into the gateway's cache config, with no warning", async () => {
    const loaded = await load("caching.yaml", PROVIDER_KEYS);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.cache).toMatchObject({
      type: "redis-semantic",
      ttlSeconds: 600,
      namespace: "gateway.cache",
      redis: { host: "redis", port: 6379, password: "redis-password" },
      semantic: { embeddingModel: "text-embedding-3-small", similarityThreshold: 0.95 },
    });
    expect(loaded.config.litellm_settings?.cache).toBe(true);
    expect(loaded.config.litellm_settings?.cache_params).toMatchObject({
      type: "redis-semantic",
      host: "redis",
      port: 6379,
      password: "redis-password",
      ttl: 600,
      similarity_threshold: 0.95,
      redis_semantic_cache_embedding_model: "text-embedding-3-small",
    });
    // The semantic cache's embedding model is one the file serves.
    expect(loaded.router.modelList.map((entry) => entry.model_name)).toContain(
      "text-embedding-3-small",
    );
  });

  it("caching.yaml's litellm_settings merged into config.yaml keeps config.yaml's router settings", async () => {
    const base = parse(await readFile(examplePath("config.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    const caching = parse(await readFile(examplePath("caching.yaml"), "utf8")) as {
      litellm_settings: Record<string, unknown>;
    };
    const merged = {
      ...base,
      litellm_settings: { ...(base.litellm_settings as object), ...caching.litellm_settings },
    };
    const loaded = loadConfigFromObject(merged, { env: PROVIDER_KEYS });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.cache?.type).toBe("redis-semantic");
    expect(loaded.router.settings.fallbacks).toEqual([
      { "gpt-4o": ["claude-sonnet", "gemini-pro"] },
    ]);
  });

  it("a cache setting LiteLLM does not have is reported, so the example's spelling is checked", () => {
    // Guards the test above: a misspelt cache key is not silently accepted.
    const loaded = loadConfigFromObject(
      { litellm_settings: { cache: true, cache_parms: { type: "redis" } } },
      { env: {} },
    );
    expect(loaded.warnings.some((warning) => warning.includes("cache_parms"))).toBe(true);
  });
});
