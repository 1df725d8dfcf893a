import { describe, expect, it } from "vitest";
import { entry } from "../__fixtures__/fakes.ts";
import { resolveSettings } from "../config/resolve-settings.ts";
import { ModelTable } from "./model-table.ts";

describe("ModelTable", () => {
  it("groups entries sharing a model_name", () => {
    const table = new ModelTable(
      [
        entry("gpt-4o", "openai/gpt-4o"),
        entry("gpt-4o", "azure/gpt-4o", { api_base: "https://x.example" }),
        entry("other", "openai/o"),
      ],
      resolveSettings({}),
    );
    expect(table.resolve("gpt-4o")?.deployments.map((d) => d.provider)).toEqual([
      "openai",
      "azure",
    ]);
    expect(table.groupNames()).toEqual(["gpt-4o", "other"]);
  });

  it("resolves aliases first, and lists only visible ones", () => {
    const table = new ModelTable(
      [entry("gpt-4o", "openai/gpt-4o"), entry("gpt-4", "openai/gpt-4")],
      resolveSettings({
        model_group_alias: {
          "gpt-4": "gpt-4o",
          fast: { model: "gpt-4o", hidden: true },
          smart: "gpt-4o",
        },
      }),
    );
    expect(table.resolve("gpt-4")?.name).toBe("gpt-4o");
    expect(table.resolve("fast")?.name).toBe("gpt-4o");
    expect(table.groupNames()).toEqual(["gpt-4o", "gpt-4", "smart"]);
  });

  it("routes wildcards, most specific pattern first, substituting the model", () => {
    const table = new ModelTable(
      [
        entry("*", "*"),
        entry("openai/*", "openai/*", { api_key: "sk-a" }),
        entry("claude-*", "anthropic/claude-*"),
      ],
      resolveSettings({}),
    );
    const openai = table.resolve("openai/gpt-4o-mini");
    expect(openai?.name).toBe("openai/gpt-4o-mini");
    expect(openai?.deployments[0]?.target).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      apiKey: "sk-a",
    });
    expect(table.resolve("claude-3-5-sonnet")?.deployments[0]?.model).toBe(
      "anthropic/claude-3-5-sonnet",
    );
    const passthrough = table.resolve("groq/llama-3.1-8b")?.deployments[0];
    expect(passthrough?.target).toMatchObject({ provider: "groq", model: "llama-3.1-8b" });
    expect(table.has("anything")).toBe(true);
  });

  it("does not match an unknown model when there is no catch-all", () => {
    const table = new ModelTable(
      [entry("openai/*", "openai/*"), entry("a", "openai/a")],
      resolveSettings({}),
    );
    expect(table.resolve("anthropic/claude")).toBeUndefined();
    expect(table.has("b")).toBe(false);
  });

  it("gives wildcard-derived deployments their own ids, stable per concrete model", () => {
    const table = new ModelTable(
      [entry("openai/*", "openai/*", {}, { id: "wild" })],
      resolveSettings({}),
    );
    expect(table.resolve("openai/x")?.deployments[0]?.id).toBe("wild:openai/x");
    expect(table.resolve("openai/x")?.deployments[0]).toBe(
      table.resolve("openai/x")?.deployments[0],
    );
  });

  it("uses model_info.id, else a stable hash that leaves secrets out", () => {
    const build = (key: string) =>
      new ModelTable(
        [
          entry("g", "openai/gpt-4o", { api_key: key, rpm: 5 }),
          entry("g", "openai/gpt-4o", { api_key: key }, { id: 7 }),
        ],
        resolveSettings({}),
      ).deployments.map((d) => d.id);
    const [hashed, given] = build("sk-one");
    expect(given).toBe("7");
    expect(hashed).toMatch(/^[0-9a-f]{32}$/);
    expect(build("sk-two")[0]).toBe(hashed);
    expect(hashed).not.toContain("sk-");
  });

  it("tells apart entries that differ only in their secrets", () => {
    const table = new ModelTable(
      [
        entry("g", "openai/gpt-4o", { api_key: "sk-1" }),
        entry("g", "openai/gpt-4o", { api_key: "sk-2" }),
      ],
      resolveSettings({}),
    );
    const [first, second] = table.deployments.map((d) => d.id);
    expect(second).toBe(`${first}-2`);
  });

  it("maps litellm_params onto the provider deployment", () => {
    const [d] = new ModelTable(
      [
        entry("g", "azure/my-deploy", {
          api_key: "k",
          api_base: "https://x.example",
          api_version: "2024-06-01",
          rpm: 10,
          timeout: 2.5,
          stream_timeout: 1,
          cooldown_time: 30,
          extra_headers: { "x-a": "b" },
          mock_response: "hi",
          aws_region_name: "eu-west-1",
        }),
      ],
      resolveSettings({ drop_params: true }),
    ).deployments;
    expect(d?.target).toEqual({
      provider: "azure",
      model: "my-deploy",
      apiKey: "k",
      apiBase: "https://x.example",
      apiVersion: "2024-06-01",
      extraHeaders: { "x-a": "b" },
      dropParams: true,
      params: { mock_response: "hi", aws_region_name: "eu-west-1" },
    });
    expect(d).toMatchObject({
      rpm: 10,
      timeoutMs: 2500,
      streamTimeoutMs: 1000,
      cooldownMs: 30_000,
    });
  });

  it("rejects entries without a model", () => {
    expect(
      () => new ModelTable([{ model_name: "x", litellm_params: {} as never }], resolveSettings({})),
    ).toThrow(/litellm_params.model/);
  });
});
