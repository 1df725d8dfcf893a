import { describe, expect, it } from "vitest";
import { loadConfigFromObject } from "../config/index.ts";
import { formatBanner, type BannerInfo } from "./banner.ts";
import { upstreamTimeoutOf } from "./upstream-timeout.ts";

function banner(config: Record<string, unknown>): string {
  const loaded = loadConfigFromObject(
    { model_list: [{ model_name: "m", litellm_params: { model: "mock/m" } }], ...config },
    { env: {} },
  );
  const info: BannerInfo = {
    url: "http://localhost:4000",
    configSource: "test",
    data: "memory",
    masterKey: { origin: "config", key: "sk-not-printed" } as BannerInfo["masterKey"],
    models: ["m"],
    warnings: [],
    upstreamTimeout: upstreamTimeoutOf(loaded.router.settings),
  };
  return formatBanner(info);
}

describe("start banner: the effective upstream timeout", () => {
  it("shows LiteLLM's 6000 s default when the config sets none, and where to change it", () => {
    const text = banner({});
    expect(text).toContain(
      "Upstream timeout: 6000 s (100 min) per call (LiteLLM's default; set router_settings.timeout or litellm_settings.request_timeout)",
    );
    expect(text).not.toContain("sk-not-printed");
  });

  it("shows litellm_settings.request_timeout when set", () => {
    expect(banner({ litellm_settings: { request_timeout: 30 } })).toContain(
      "Upstream timeout: 30 s per call (from the config); a deployment's litellm_params.timeout overrides it",
    );
  });

  it("router_settings.timeout wins, and a stream_timeout is shown with it", () => {
    const text = banner({
      litellm_settings: { request_timeout: 30 },
      router_settings: { timeout: 600, stream_timeout: 45 },
    });
    expect(text).toContain(
      "Upstream timeout: 600 s (10 min) per call (from the config), streams 45 s between chunks",
    );
  });
});
