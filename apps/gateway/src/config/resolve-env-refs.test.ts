import { describe, expect, it } from "vitest";
import { applyEnvironmentVariables } from "./environment-variables.ts";
import { resolveEnvRefs } from "./resolve-env-refs.ts";

describe("resolveEnvRefs", () => {
  it("replaces os.environ/VAR strings at any depth, in objects and lists", () => {
    const tree = {
      model_list: [
        {
          litellm_params: {
            api_key: "os.environ/KEY",
            extra_headers: { "x-team": "os.environ/TEAM" },
            tags: ["fixed", "os.environ/TAG"],
          },
        },
      ],
      n: 3,
      flag: true,
      nothing: null,
    };
    const { value, warnings } = resolveEnvRefs(tree, { KEY: "sk-1", TEAM: "blue", TAG: "t" });
    expect(value).toEqual({
      model_list: [
        {
          litellm_params: {
            api_key: "sk-1",
            extra_headers: { "x-team": "blue" },
            tags: ["fixed", "t"],
          },
        },
      ],
      n: 3,
      flag: true,
      nothing: null,
    });
    expect(warnings).toEqual([]);
  });

  it("leaves a missing variable undefined and warns with its name and YAML path, never failing", () => {
    const { value, warnings } = resolveEnvRefs(
      { model_list: [{ litellm_params: { api_key: "os.environ/OPENAI_API_KEY" } }] },
      {},
    );
    expect(value).toEqual({ model_list: [{ litellm_params: { api_key: undefined } }] });
    expect(warnings).toEqual([
      "model_list[0].litellm_params.api_key: environment variable OPENAI_API_KEY is not set (os.environ/OPENAI_API_KEY); the value is left unset",
    ]);
  });

  it("only treats whole strings as references, and keeps an empty variable as empty", () => {
    const { value } = resolveEnvRefs(
      { a: "prefix os.environ/X", b: "os.environ/EMPTY", c: "OS.ENVIRON/X" },
      { X: "x", EMPTY: "" },
    );
    expect(value).toEqual({ a: "prefix os.environ/X", b: "", c: "OS.ENVIRON/X" });
  });

  it("does not modify its input", () => {
    const tree = { a: ["os.environ/X"] };
    resolveEnvRefs(tree, { X: "x" });
    expect(tree).toEqual({ a: ["os.environ/X"] });
  });

  it("quotes path segments that are not plain identifiers", () => {
    const { warnings } = resolveEnvRefs(
      { router_settings: { model_group_alias: { "gpt-4.1": "os.environ/M" } } },
      {},
    );
    expect(warnings[0]).toMatch(
      /^router_settings\.model_group_alias\["gpt-4\.1"\]: environment variable M is not set/,
    );
  });
});

describe("applyEnvironmentVariables", () => {
  it("stringifies scalars and merges them over the env, overriding as LiteLLM does", () => {
    const applied = applyEnvironmentVariables(
      { REDIS_HOST: "redis", REDIS_PORT: 6379, VERBOSE: true, HOME_DIR: "os.environ/HOME" },
      { REDIS_HOST: "old", HOME: "/root" },
    );
    expect(applied.environmentVariables).toEqual({
      REDIS_HOST: "redis",
      REDIS_PORT: "6379",
      VERBOSE: "true",
      HOME_DIR: "/root",
    });
    expect(applied.env).toMatchObject({ REDIS_HOST: "redis", REDIS_PORT: "6379", HOME: "/root" });
    expect(applied.warnings).toEqual([]);
  });

  it("warns about a reference to an unset variable and leaves that variable out", () => {
    const applied = applyEnvironmentVariables({ ARIZE_ENDPOINT: "os.environ/ARIZE" }, {});
    expect(applied.environmentVariables).toEqual({});
    expect(applied.warnings).toEqual([
      "environment_variables.ARIZE_ENDPOINT: environment variable ARIZE is not set (os.environ/ARIZE); ARIZE_ENDPOINT is not set either",
    ]);
  });
});
