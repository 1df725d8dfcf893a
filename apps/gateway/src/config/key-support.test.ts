import { describe, expect, it } from "vitest";
import { KEY_SUPPORT, checkKeySupport } from "./key-support.ts";

describe("KEY_SUPPORT", () => {
  it("marks the keys implemented now as supported", () => {
    for (const key of [
      "model_list[].litellm_params.model",
      "model_list[].litellm_params.api_key",
      "general_settings.master_key",
      "general_settings.database_url",
      "general_settings.max_request_size_mb",
      "general_settings.max_response_size_mb",
      "litellm_settings.drop_params",
      "litellm_settings.num_retries",
      "litellm_settings.request_timeout",
      "router_settings.timeout",
      "router_settings.fallbacks",
      "router_settings.context_window_fallbacks",
      "router_settings.routing_strategy",
      "router_settings.model_group_alias",
      "router_settings.cooldown_time",
      "router_settings.allowed_fails",
      "router_settings.retry_after",
      "router_settings.redis_host",
    ]) {
      expect(KEY_SUPPORT[key], key).toBe("supported");
    }
  });

  it("marks the response cache's keys as supported (issue 19 built them)", () => {
    for (const key of [
      "litellm_settings.cache",
      "litellm_settings.cache_params",
      "litellm_settings.semantic_cache",
    ]) {
      expect(KEY_SUPPORT[key], key).toBe("supported");
    }
  });

  it("marks the callback lists and alerting as supported (issue 20 wired them)", () => {
    for (const key of [
      "litellm_settings.callbacks",
      "litellm_settings.success_callback",
      "litellm_settings.failure_callback",
      "general_settings.alerting",
      "general_settings.alerting_threshold",
      "general_settings.alert_types",
    ]) {
      expect(KEY_SUPPORT[key], key).toBe("supported");
    }
  });

  it("marks message logging supported, and budget keys and key-info redaction as planned", () => {
    expect(KEY_SUPPORT["litellm_settings.turn_off_message_logging"]).toBe("supported");
    for (const key of [
      "litellm_settings.redact_user_api_key_info",
      "litellm_settings.max_budget",
      "general_settings.disable_spend_logs",
    ]) {
      expect(KEY_SUPPORT[key], key).toBe("planned");
    }
  });
});

describe("checkKeySupport", () => {
  it("has nothing to say about a config that only uses supported keys", () => {
    expect(
      checkKeySupport({
        model_list: [
          {
            model_name: "a",
            litellm_params: { model: "openai/a", rpm: 1 },
            model_info: { id: "1" },
          },
        ],
        router_settings: { routing_strategy: "simple-shuffle", num_retries: 2 },
        general_settings: { master_key: "sk-1" },
      }),
    ).toEqual([]);
  });

  it("names every planned key that is set, with its YAML path", () => {
    expect(
      checkKeySupport({
        litellm_settings: { success_callback: ["langfuse"], redact_user_api_key_info: true },
        general_settings: { alerting: ["slack"] },
        model_list: [{ model_name: "a", litellm_params: { model: "openai/a", tags: ["eu"] } }],
      }),
    ).toEqual([
      "config key litellm_settings.redact_user_api_key_info is accepted but not yet supported; it has no effect yet",
      "config key model_list[0].litellm_params.tags is accepted but not yet supported; it has no effect yet",
    ]);
  });

  it("checks callback lists value by value: supported ones say nothing, others still warn", () => {
    expect(
      checkKeySupport({
        litellm_settings: {
          callbacks: ["otel", "generic_api", "prometheus", "datadog"],
          success_callback: ["langfuse", "langfuze"],
          failure_callback: ["langfuse", "sentry"],
        },
        general_settings: { alerting: ["slack", "webhook", "email"] },
      }),
    ).toEqual([
      'config value "datadog" in litellm_settings.callbacks is accepted but not yet supported; it has no effect yet',
      'config value "langfuze" in litellm_settings.success_callback is accepted but not yet supported; it has no effect yet',
      'config value "sentry" in litellm_settings.failure_callback is accepted but not yet supported; it has no effect yet',
      'config value "email" in general_settings.alerting is accepted but not yet supported; it has no effect yet',
    ]);
  });

  it("takes callback_settings per callback name, and names an unknown setting under one", () => {
    expect(
      checkKeySupport({
        callback_settings: {
          langfuse: { message_logging: true },
          otel: { message_logging: false, mesage_logging: true },
        },
      }),
    ).toEqual([
      expect.stringMatching(
        /^unknown config key callback_settings\.otel\.mesage_logging \(ignored\)/,
      ),
    ]);
  });

  it("stays quiet about planned keys whose value changes nothing", () => {
    expect(
      checkKeySupport({ litellm_settings: { cache: false, set_verbose: false, callbacks: [] } }),
    ).toEqual([]);
  });

  it("reports unknown keys with their path, and suggests the right name or section", () => {
    expect(
      checkKeySupport({
        model_lists: [],
        router_settings: { routng_strategy: "least-busy" },
        litellm_settings: { master_key: "sk-1", totally_new_thing: 1 },
        model_list: [{ model_name: "a", api_key: "k", litellm_params: { model: "openai/a" } }],
      }),
    ).toEqual([
      "unknown config key model_lists (ignored); did you mean model_list?",
      "unknown config key router_settings.routng_strategy (ignored); did you mean router_settings.routing_strategy?",
      "unknown config key litellm_settings.master_key (ignored); it belongs under general_settings",
      "unknown config key litellm_settings.totally_new_thing (ignored)",
      "unknown config key model_list[0].api_key (ignored); it belongs under model_list[].litellm_params",
    ]);
  });

  it("passes provider-specific litellm_params, model_info metadata and environment variables through", () => {
    expect(
      checkKeySupport({
        model_list: [
          {
            model_name: "b",
            litellm_params: { model: "bedrock/x", aws_region_name: "eu-west-1", temperature: 0.2 },
            model_info: { supports_vision: true, team: "ml" },
          },
        ],
        environment_variables: { ANYTHING: "1" },
      }),
    ).toEqual([]);
  });
});
