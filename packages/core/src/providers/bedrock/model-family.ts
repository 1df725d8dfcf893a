import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * Which model family a Bedrock id belongs to, for the few features Converse leaves to the model
 * (thinking, top_k). Application inference profiles and provisioned-throughput ARNs hide the
 * model, so, as in LiteLLM, `litellm_params.base_model` names it when set.
 */
export type BedrockModelFamily = "anthropic" | "nova" | "other";

export function bedrockModelFamily(
  modelId: string,
  deployment: ProviderDeployment,
): BedrockModelFamily {
  const baseModel = deployment.params["base_model"];
  const id = (
    typeof baseModel === "string" && baseModel !== "" ? baseModel : modelId
  ).toLowerCase();
  if (id.includes("anthropic.") || id.includes("claude")) return "anthropic";
  if (id.includes("amazon.nova")) return "nova";
  return "other";
}
