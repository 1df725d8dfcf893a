import { describe, expect, it } from "vitest";
import { loadConfigFromObject } from "./load-config.ts";

const models = [
  { model_name: "a", litellm_params: { model: "openai/a" } },
  { model_name: "b", litellm_params: { model: "openai/b" } },
];

describe("effective router settings", () => {
  it("takes router keys from litellm_settings, renaming request_timeout to timeout", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: models,
        litellm_settings: {
          num_retries: 3,
          request_timeout: 60,
          drop_params: true,
          fallbacks: [{ a: ["b"] }],
          context_window_fallbacks: [{ a: ["b"] }],
          allowed_fails: 2,
        },
      },
      { env: {} },
    );
    expect(loaded.router.settings).toEqual({
      num_retries: 3,
      timeout: 60,
      drop_params: true,
      fallbacks: [{ a: ["b"] }],
      context_window_fallbacks: [{ a: ["b"] }],
      allowed_fails: 2,
    });
    expect(loaded.warnings).toEqual([]);
  });

  it("lets router_settings win over litellm_settings, and says so", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: models,
        litellm_settings: { num_retries: 3, request_timeout: 60, fallbacks: [{ a: ["b"] }] },
        router_settings: {
          num_retries: 1,
          timeout: 10,
          fallbacks: [{ b: ["a"] }],
          cooldown_time: 30,
        },
      },
      { env: {} },
    );
    expect(loaded.router.settings).toEqual({
      num_retries: 1,
      timeout: 10,
      fallbacks: [{ b: ["a"] }],
      cooldown_time: 30,
    });
    expect(loaded.warnings).toEqual([
      "litellm_settings.num_retries is overridden by router_settings.num_retries; router_settings wins, as in LiteLLM",
      "litellm_settings.request_timeout is overridden by router_settings.timeout; router_settings wins, as in LiteLLM",
      "litellm_settings.fallbacks is overridden by router_settings.fallbacks; router_settings wins, as in LiteLLM",
    ]);
  });

  it("normalises fallbacks to one model group per entry and accepts a single target string", () => {
    const loaded = loadConfigFromObject(
      { model_list: models, router_settings: { fallbacks: [{ a: "b", b: ["a"] }] } },
      { env: {} },
    );
    expect(loaded.router.settings.fallbacks).toEqual([{ a: ["b"] }, { b: ["a"] }]);
    expect(loaded.warnings).toEqual([
      "router_settings.fallbacks[0]: lists 2 model groups in one entry (a, b); LiteLLM only reads the first, this gateway uses all of them",
    ]);
  });

  it("leaves out unknown keys but keeps planned ones for the router to pick up later", () => {
    const loaded = loadConfigFromObject(
      {
        model_list: models,
        router_settings: { enable_pre_call_checks: true, debug_level: "INFO", not_a_setting: 1 },
      },
      { env: {} },
    );
    expect(loaded.router.settings).toEqual({ enable_pre_call_checks: true, debug_level: "INFO" });
    expect(loaded.warnings).toEqual([
      "config key router_settings.debug_level is accepted but not yet supported; it has no effect yet",
      "unknown config key router_settings.not_a_setting (ignored)",
    ]);
  });
});
