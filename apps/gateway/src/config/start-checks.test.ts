import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { loadConfig, loadConfigFromObject } from "./load-config.ts";

const entry = (model: string, extra: Record<string, unknown> = {}) => ({
  model_name: "m",
  litellm_params: { model, ...extra },
});

/** The ConfigError loading `model_list` throws, or undefined when it loads. */
function configErrorFor(modelList: unknown[], knownProviders?: string[]): ConfigError | undefined {
  try {
    loadConfigFromObject(
      { model_list: modelList },
      { env: {}, ...(knownProviders ? { knownProviders } : {}) },
    );
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe("unknown provider prefix: said at start, an error when it is a typo", () => {
  it("names the deployment and suggests the provider it resembles", () => {
    const error = configErrorFor([entry("openai/gpt-4o"), entry("openaii/gpt-4o")]);
    expect(error?.issues).toEqual([
      {
        path: "model_list[1].litellm_params.model",
        message:
          "unknown provider 'openaii' in 'openaii/gpt-4o' (model_name 'm'); did you mean openai?",
      },
    ]);
  });

  it("checks against core's built-in providers by default: every one of them loads", () => {
    for (const model of [
      "anthropic/claude-sonnet-4-5",
      "gemini/gemini-2.5-flash",
      "vertex_ai/gemini-2.5-pro",
      "bedrock/anthropic.claude-3",
      "azure/gpt-4o",
      "mistral/mistral-large",
      "groq/llama-3",
      "ollama_chat/llama3",
      "mock/anything",
      "gpt-4o",
    ]) {
      expect(configErrorFor([entry(model)]), model).toBeUndefined();
    }
  });

  it("refuses a wildcard route of an unknown provider, and a case-changed one", () => {
    const error = configErrorFor([entry("anthropc/*"), entry("OpenAI/gpt-4o")]);
    expect(error?.issues.map((issue) => issue.message)).toEqual([
      "unknown provider 'anthropc' in 'anthropc/*' (model_name 'm'); did you mean anthropic?",
      "unknown provider 'OpenAI' in 'OpenAI/gpt-4o' (model_name 'm'); did you mean openai?",
    ]);
  });

  it("takes custom_llm_provider over the prefix, as the router does", () => {
    expect(
      configErrorFor([entry("meta-llama/Llama-3-8b", { custom_llm_provider: "together_ai" })]),
    ).toBeUndefined();
    expect(
      configErrorFor([entry("openai/gpt-4o", { custom_llm_provider: "togther_ai" })])?.issues,
    ).toEqual([
      {
        path: "model_list[0].litellm_params.custom_llm_provider",
        message: "unknown provider 'togther_ai' (model_name 'm'); did you mean together_ai?",
      },
    ]);
  });

  it("starts with a provider it does not serve but resembles no other, and says so", () => {
    // A working LiteLLM config with sagemaker/ or azure_ai/ models keeps serving its others.
    const loaded = loadConfigFromObject(
      { model_list: [entry("openai/gpt-4o"), entry("sagemaker/jumpstart-llama")] },
      { env: {} },
    );
    expect(loaded.warnings).toContain(
      "model_list[1].litellm_params.model: unknown provider 'sagemaker' in 'sagemaker/jumpstart-llama' (model_name 'm') is not served by this gateway; requests to it will fail",
    );
    expect(configErrorFor([entry("zzqx/model")])).toBeUndefined();
  });

  it("honours a given provider list", () => {
    expect(
      configErrorFor([entry("openai/a"), entry("mocc/g")], ["openai", "mock"])?.issues,
    ).toEqual([
      {
        path: "model_list[1].litellm_params.model",
        message: "unknown provider 'mocc' in 'mocc/g' (model_name 'm'); did you mean mock?",
      },
    ]);
  });
});

describe("litellm_params typos: an error at start, other unknown keys passed through", () => {
  it("refuses a key one or two edits from a known one, naming both", () => {
    const error = configErrorFor([
      entry("openai/gpt-4o", { api_bse: "http://127.0.0.1:1" }),
      entry("bedrock/anthropic.claude-3", { aws_regin_name: "eu-west-1", rpn: 5 }),
      entry("openai/gpt-4o", { API_BASE: "http://127.0.0.1:1" }),
    ]);
    expect(error?.issues).toEqual([
      {
        path: "model_list[0].litellm_params.api_bse",
        message: "litellm_params.api_bse is not a known setting; did you mean api_base?",
      },
      {
        path: "model_list[1].litellm_params.aws_regin_name",
        message:
          "litellm_params.aws_regin_name is not a known setting; did you mean aws_region_name?",
      },
      {
        path: "model_list[1].litellm_params.rpn",
        message: "litellm_params.rpn is not a known setting; did you mean rpm?",
      },
      {
        path: "model_list[2].litellm_params.API_BASE",
        message: "litellm_params.API_BASE is not a known setting; did you mean api_base?",
      },
    ]);
    // The message says where the key is and what it resembles, never the value (a secret).
    expect(error?.message).not.toContain("127.0.0.1");
  });

  it("passes provider-specific and unrelated keys through unchanged, without a warning", () => {
    const params = {
      model: "vertex_ai/gemini-2.5-pro",
      vertex_project: "p",
      vertex_location: "europe-west4",
      top_k: 3,
      n: 2,
      my_provider_flag: true,
    };
    const loaded = loadConfigFromObject(
      { model_list: [{ model_name: "v", litellm_params: params }] },
      { env: {} },
    );
    expect(loaded.router.modelList[0]?.litellm_params).toEqual(params);
    expect(loaded.warnings).toEqual([]);
  });

  it("lists every problem in one go, from a file, with line numbers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-start-checks-"));
    try {
      const file = join(dir, "config.yaml");
      await writeFile(
        file,
        [
          "model_list:",
          "  - model_name: gpt-4o",
          "    litellm_params:",
          "      model: openaii/gpt-4o",
          "      api_bse: https://example.invalid/v1",
          "",
        ].join("\n"),
      );
      const error = await loadConfig({ path: file, env: {} }).then(
        () => undefined,
        (e: unknown) => e as ConfigError,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.issues).toEqual([
        {
          path: "model_list[0].litellm_params.model",
          message:
            "unknown provider 'openaii' in 'openaii/gpt-4o' (model_name 'gpt-4o'); did you mean openai?",
          line: 4,
        },
        {
          path: "model_list[0].litellm_params.api_bse",
          message: "litellm_params.api_bse is not a known setting; did you mean api_base?",
          line: 5,
        },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
