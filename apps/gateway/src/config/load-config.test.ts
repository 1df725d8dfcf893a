import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { DEFAULT_CONFIG_SOURCE } from "./default-config.ts";
import { loadConfig, loadConfigFromObject } from "./load-config.ts";

async function configFile(text: string, name = "config.yaml"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-config-"));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

async function rejected(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const model = (extra: Record<string, unknown> = {}) => ({
  model_name: "m",
  litellm_params: { model: "openai/gpt-4o", ...extra },
});

describe("loadConfig without a file", () => {
  it("serves the built-in mock model, needing no keys", async () => {
    const loaded = await loadConfig({ env: {} });
    expect(loaded.source).toBe(DEFAULT_CONFIG_SOURCE);
    expect(loaded.router.modelList[0]).toMatchObject({
      model_name: "mock",
      litellm_params: { model: "mock/mock-1", mock_response: expect.stringContaining("mock") },
    });
    expect(loaded.router.modelList.map((entry) => entry.model_name)).toEqual([
      "mock",
      "mock-embedding",
    ]);
    expect(loaded.general).toEqual({
      maxRequestSizeMb: 5,
      maxResponseSizeMb: 64,
      storeModelInDb: false,
    });
    expect(loaded.warnings).toEqual([
      "no config file given (--config or CONFIG_FILE_PATH): serving the built-in 'mock' model only",
    ]);
  });

  it("leaves LITELLM_MASTER_KEY and DATABASE_URL fallbacks to the app", async () => {
    const loaded = await loadConfig({
      env: { LITELLM_MASTER_KEY: "sk-admin", DATABASE_URL: "postgres://db" },
    });
    expect(loaded.general).toEqual({
      maxRequestSizeMb: 5,
      maxResponseSizeMb: 64,
      storeModelInDb: false,
    });
  });
});

describe("schema errors", () => {
  it("reports a bad field with its YAML path and the offending value", () => {
    const error = thrown(() =>
      loadConfigFromObject({ model_list: [model({ rpm: "lots" })] }, { env: {} }),
    );
    expect(error.issues).toEqual([
      {
        path: "model_list[0].litellm_params.rpm",
        message: 'expected number, received string (got "lots")',
      },
    ]);
    expect(error.message).toContain(
      'model_list[0].litellm_params.rpm: expected number, received string (got "lots")',
    );
  });

  it("rejects a routing_strategy LiteLLM does not have, listing the valid ones", () => {
    const error = thrown(() =>
      loadConfigFromObject(
        { model_list: [model()], router_settings: { routing_strategy: "fastest" } },
        { env: {} },
      ),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe("router_settings.routing_strategy");
    expect(error.issues[0]?.message).toMatch(/"simple-shuffle"\|"least-busy".*\(got "fastest"\)/);
  });

  it("lists every issue at once, and never echoes a secret", () => {
    const error = thrown(() =>
      loadConfigFromObject(
        {
          model_list: [
            { model_name: "a", litellm_params: { api_key: 12345 } },
            model({ timeout: -1 }),
          ],
          general_settings: { master_key: "" },
          router_settings: { fallbacks: [{ a: "b" }, "c"] },
        },
        { env: {} },
      ),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "model_list[0].litellm_params.model",
      "model_list[0].litellm_params.api_key",
      "model_list[1].litellm_params.timeout",
      "router_settings.fallbacks[1]",
      "general_settings.master_key",
    ]);
    expect(error.issues[0]?.message).toBe("is required (e.g. openai/gpt-4o)");
    expect(error.message).not.toContain("12345");
  });

  it("accepts the numeric and boolean strings that os.environ/ references produce", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: [
          model({ rpm: "os.environ/RPM", timeout: "30", drop_params: "os.environ/DROP" }),
        ],
        router_settings: { redis_port: "6379", num_retries: "2" },
      },
      { env: { RPM: "500", DROP: "true" } },
    );
    expect(loaded.router.modelList[0]?.litellm_params).toMatchObject({
      rpm: 500,
      timeout: 30,
      drop_params: true,
    });
    expect(loaded.router.settings).toMatchObject({ redis_port: 6379, num_retries: 2 });
  });

  it("keeps provider-specific litellm_params for the provider", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: [
          {
            model_name: "claude",
            litellm_params: {
              model: "bedrock/anthropic.claude-3",
              aws_region_name: "eu-west-1",
              extra_headers: { "x-a": "1" },
            },
          },
        ],
      },
      { env: {} },
    );
    expect(loaded.router.modelList[0]?.litellm_params).toEqual({
      model: "bedrock/anthropic.claude-3",
      aws_region_name: "eu-west-1",
      extra_headers: { "x-a": "1" },
    });
    expect(loaded.warnings).toEqual([]);
  });

  it("drops unset references from litellm_params instead of passing undefined along", () => {
    const loaded = loadConfigFromObject(
      { model_list: [model({ api_key: "os.environ/NOPE" })] },
      { env: {} },
    );
    expect(loaded.router.modelList[0]?.litellm_params).toEqual({ model: "openai/gpt-4o" });
    expect("api_key" in (loaded.router.modelList[0]?.litellm_params ?? {})).toBe(false);
  });

  it("fails on duplicate model_info.id", () => {
    const error = thrown(() =>
      loadConfigFromObject(
        {
          model_list: [
            { ...model(), model_info: { id: "dep-1" } },
            { ...model(), model_info: { id: "dep-2" } },
            { ...model(), model_info: { id: "dep-1" } },
          ],
        },
        { env: {} },
      ),
    );
    expect(error.issues).toEqual([
      {
        path: "model_list[2].model_info.id",
        message: "'dep-1' is already the id of model_list[0]; deployment ids must be unique",
      },
    ]);
  });
});

describe("loadConfig from a file", () => {
  it("reports YAML syntax errors with line and column", async () => {
    const file = await configFile(
      "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a\n",
    );
    const error = await rejected(loadConfig({ path: file, env: {} }));
    expect(error.message).toContain("cannot parse YAML");
    expect(error.issues[0]?.path).toMatch(/^line \d+, column \d+$/);
  });

  it("adds the line number to schema errors", async () => {
    const file = await configFile(
      [
        "model_list:",
        "  - model_name: a",
        "    litellm_params:",
        "      model: openai/a",
        "      rpm: lots",
        "",
      ].join("\n"),
    );
    const error = await rejected(loadConfig({ path: file, env: {} }));
    expect(error.issues).toEqual([
      {
        path: "model_list[0].litellm_params.rpm",
        message: 'expected number, received string (got "lots")',
        line: 5,
      },
    ]);
    expect(error.message).toContain("(line 5)");
    expect(error.source).toBe(file);
  });

  it("names a missing file", async () => {
    const error = await rejected(loadConfig({ path: "/nonexistent/config.yaml", env: {} }));
    expect(error.message).toContain("/nonexistent/config.yaml");
    expect(error.issues[0]?.message).toBe("file not found");
  });

  it("warns about duplicate keys and keeps the last value, as PyYAML does", async () => {
    const file = await configFile("router_settings:\n  num_retries: 1\n  num_retries: 4\n");
    const loaded = await loadConfig({ path: file, env: {} });
    expect(loaded.router.settings.num_retries).toBe(4);
    expect(loaded.warnings[0]).toMatch(/:3:3: duplicate key; the last value wins/);
  });

  it("loads an empty file (and says so), and empty sections", async () => {
    expect((await loadConfig({ path: await configFile(""), env: {} })).warnings[0]).toMatch(
      /the config file is empty$/,
    );
    const loaded = await loadConfig({
      path: await configFile("litellm_settings:\nrouter_settings:\n"),
      env: {},
    });
    expect(loaded.router.settings).toEqual({});
  });

  it("rejects a file that is not a mapping", async () => {
    const error = await rejected(loadConfig({ path: await configFile("- a\n- b\n"), env: {} }));
    expect(error.issues[0]?.path).toBe("(top level)");
  });

  it("applies environment_variables before resolving os.environ/ references", async () => {
    const file = await configFile(
      [
        "environment_variables:",
        "  MY_KEY: sk-from-file",
        "  REDIS_PORT: 6380",
        "model_list:",
        "  - model_name: a",
        "    litellm_params: {model: openai/a, api_key: os.environ/MY_KEY}",
        "router_settings:",
        "  redis_port: os.environ/REDIS_PORT",
        "",
      ].join("\n"),
    );
    const loaded = await loadConfig({ path: file, env: {} });
    expect(loaded.environmentVariables).toEqual({ MY_KEY: "sk-from-file", REDIS_PORT: "6380" });
    expect(loaded.router.modelList[0]?.litellm_params.api_key).toBe("sk-from-file");
    expect(loaded.router.settings.redis_port).toBe(6380);
    expect(loaded.warnings).toEqual([]);
  });

  it("merges LiteLLM include files: lists concatenated, sections merged", async () => {
    const main = await configFile(
      [
        "include:",
        "  - models.yaml",
        "model_list:",
        "  - model_name: a",
        "    litellm_params: {model: openai/a}",
        "litellm_settings:",
        "  num_retries: 3",
        "",
      ].join("\n"),
    );
    await writeFile(
      join(main, "..", "models.yaml"),
      "model_list:\n  - model_name: b\n    litellm_params: {model: anthropic/b}\nlitellm_settings:\n  success_callback: [datadog]\n",
    );
    const loaded = await loadConfig({ path: main, env: {} });
    expect(loaded.router.modelList.map((entry) => entry.model_name)).toEqual(["a", "b"]);
    expect(loaded.router.settings.num_retries).toBe(3);
    expect(loaded.config.litellm_settings?.success_callback).toEqual(["datadog"]);
    expect(loaded.warnings).toEqual([
      'config value "datadog" in litellm_settings.success_callback is accepted but not yet supported; it has no effect yet',
    ]);
  });

  it("names a missing include file", async () => {
    const main = await configFile("include: [nope.yaml]\n");
    const error = await rejected(loadConfig({ path: main, env: {} }));
    expect(error.issues[0]?.path).toBe("include[0]");
    expect(error.issues[0]?.message).toMatch(/included file not found: .*nope\.yaml$/);
  });
});

describe("general settings", () => {
  it("reads master_key (via os.environ/), database_url, max_request_size_mb and max_response_size_mb", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: [model()],
        general_settings: {
          master_key: "os.environ/ADMIN_KEY",
          database_url: "postgres://file",
          max_request_size_mb: 20,
          max_response_size_mb: 0.5,
        },
      },
      {
        env: { ADMIN_KEY: "sk-file", LITELLM_MASTER_KEY: "sk-env", DATABASE_URL: "postgres://env" },
      },
    );
    expect(loaded.general).toEqual({
      masterKey: "sk-file",
      databaseUrl: "postgres://file",
      maxRequestSizeMb: 20,
      maxResponseSizeMb: 0.5,
      storeModelInDb: false,
    });
  });
});
