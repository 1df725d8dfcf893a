import type { DeploymentInfo } from "@org/router";
import { describe, expect, it } from "vitest";
import { groupTargets } from "./group-targets.ts";

const deployment = (
  modelName: string,
  model: string,
  litellmParams: Record<string, unknown> = {},
): DeploymentInfo => {
  const slash = model.indexOf("/");
  return {
    id: `${modelName}:${model}`,
    modelName,
    model,
    provider: (litellmParams.custom_llm_provider as string | undefined) ?? model.slice(0, slash),
    litellmParams: { model, ...litellmParams },
    modelInfo: {},
  };
};

describe("groupTargets", () => {
  const list = [
    deployment("claude", "anthropic/claude-sonnet-4-5"),
    deployment("claude", "anthropic/claude-sonnet-4-5-20250929"),
    deployment("mixed", "anthropic/claude-haiku-4-5"),
    deployment("mixed", "openai/gpt-4o-mini"),
    deployment("anthropic/*", "anthropic/*"),
    deployment("claude-*", "anthropic/claude-*"),
    deployment("*", "*"),
    deployment("local", "my-llama", { custom_llm_provider: "ollama_chat" }),
  ];

  it("lists every deployment of an exact group", () => {
    expect(groupTargets(list, "claude")).toEqual([
      { provider: "anthropic", model: "claude-sonnet-4-5" },
      { provider: "anthropic", model: "claude-sonnet-4-5-20250929" },
    ]);
    expect(groupTargets(list, "mixed").map((t) => t.provider)).toEqual(["anthropic", "openai"]);
  });

  it("fills wildcards from the requested name, most specific pattern first", () => {
    expect(groupTargets(list, "anthropic/claude-opus-4-1")).toEqual([
      { provider: "anthropic", model: "claude-opus-4-1" },
    ]);
    expect(groupTargets(list, "claude-3-haiku")).toEqual([
      { provider: "anthropic", model: "claude-3-haiku" },
    ]);
    // A bare "*" passes the requested provider/model through.
    expect(groupTargets(list, "gemini/gemini-2.5-flash")).toEqual([
      { provider: "gemini", model: "gemini-2.5-flash" },
    ]);
  });

  it("honours custom_llm_provider", () => {
    expect(groupTargets(list, "local")).toEqual([{ provider: "ollama_chat", model: "my-llama" }]);
  });

  it("is empty when nothing matches", () => {
    expect(groupTargets(list.slice(0, 4), "unknown")).toEqual([]);
  });
});
