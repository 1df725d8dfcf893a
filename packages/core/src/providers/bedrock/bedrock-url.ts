import type { ProviderDeployment } from "../../provider/deployment.ts";

/** LiteLLM's region when neither the deployment nor the model ARN names one. */
export const DEFAULT_AWS_REGION = "us-west-2";

export type BedrockOperation = "converse" | "converse-stream" | "invoke";

/**
 * The Bedrock model id of a deployment. LiteLLM routes `bedrock/converse/<id>` and
 * `bedrock/invoke/<id>` explicitly; both prefixes are route hints, not part of the id, and
 * this adapter always speaks Converse for chat.
 */
export function bedrockModelId(deployment: ProviderDeployment): string {
  return deployment.model.replace(/^(converse|invoke)\//, "");
}

/**
 * `aws_region_name`, else the region inside an ARN model id
 * (`arn:aws:bedrock:eu-west-1:123456789012:inference-profile/...`), else LiteLLM's default.
 * LiteLLM also reads AWS_REGION_NAME / AWS_REGION: the app resolves those into the deployment.
 */
export function resolveRegion(deployment: ProviderDeployment): string {
  const configured = deployment.params["aws_region_name"];
  if (typeof configured === "string" && configured !== "") return configured;
  const arnRegion = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):/.exec(bedrockModelId(deployment))?.[1];
  return arnRegion ?? DEFAULT_AWS_REGION;
}

/**
 * `https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/{operation}`, with the
 * endpoint overridable (as in LiteLLM) by `api_base`, then `aws_bedrock_runtime_endpoint`
 * (VPC endpoints, proxies, a fake upstream). The model id is one URL-encoded path segment:
 * `:` becomes `%3A` and an ARN's `/` becomes `%2F`.
 */
export function bedrockUrl(
  deployment: ProviderDeployment,
  modelId: string,
  operation: BedrockOperation,
): string {
  const endpoint = runtimeEndpoint(deployment).replace(/\/+$/, "");
  return `${endpoint}/model/${encodeURIComponent(modelId)}/${operation}`;
}

function runtimeEndpoint(deployment: ProviderDeployment): string {
  if (deployment.apiBase !== undefined && deployment.apiBase !== "") return deployment.apiBase;
  const override = deployment.params["aws_bedrock_runtime_endpoint"];
  if (typeof override === "string" && override !== "") return override;
  return `https://bedrock-runtime.${resolveRegion(deployment)}.amazonaws.com`;
}
