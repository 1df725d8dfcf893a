import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { convertMessages } from "./convert-messages.ts";
import { thinkingConfig } from "./convert-reasoning.ts";
import { convertToolConfig } from "./convert-tools.ts";
import { jsonModeTool } from "./json-mode.ts";
import { bedrockModelFamily } from "./model-family.ts";
import type { ConverseInferenceConfig, ConverseRequestBody } from "./wire-schemas.ts";

/** Room left for the visible answer when a thinking budget forces `maxTokens` up. */
export const THINKING_ANSWER_TOKENS = 4096;

/**
 * Converse fields passed through untouched from the request or `litellm_params` (request wins),
 * as LiteLLM does for `guardrailConfig` and friends.
 */
const PASSTHROUGH_FIELDS = [
  "guardrailConfig",
  "performanceConfig",
  "requestMetadata",
  "additionalModelResponseFieldPaths",
] as const;

/** OpenAI service tiers that are also Converse `serviceTier.type` values. */
const SERVICE_TIERS = new Set(["default", "flex", "priority"]);

/** An OpenAI chat request as a Converse / ConverseStream body (the same body serves both). */
export function convertRequest(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
  modelId: string,
): ConverseRequestBody {
  if (typeof request.n === "number" && request.n > 1 && !deployment.dropParams) {
    throw new InvalidRequestError(
      "bedrock does not support n > 1 (Converse returns one answer). Remove it, or set drop_params: true to drop it.",
      { param: "n", code: "unsupported_parameter", provider: "bedrock" },
    );
  }
  const family = bedrockModelFamily(modelId, deployment);
  const converted = convertMessages(request.messages);
  const thinking = thinkingConfig(request, family, deployment.dropParams === true);
  const jsonTool = jsonModeTool(request);

  const body: ConverseRequestBody = { messages: converted.messages };
  if (converted.system.length > 0) body.system = converted.system;

  const inference = inferenceConfig(request);
  const additional: Record<string, unknown> = {
    ...recordField(deployment.params["additionalModelRequestFields"]),
    ...recordField(request["additionalModelRequestFields"]),
  };
  const topK = request["top_k"] ?? deployment.params["top_k"];
  if (thinking !== undefined) {
    additional["thinking"] = thinking;
    // Claude with thinking rejects a modified temperature and top_k, and top_p below 0.95.
    delete inference.temperature;
    delete inference.topP;
    const budget = thinking.budget_tokens;
    if (typeof budget === "number") inference.maxTokens = withThinking(inference.maxTokens, budget);
  } else if (typeof topK === "number") {
    // Not part of inferenceConfig; where it goes depends on the model (as in LiteLLM).
    if (family === "anthropic") additional["top_k"] = topK;
    else if (family === "nova") additional["inferenceConfig"] = { topK };
  }
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;

  const toolConfig = convertToolConfig({
    tools: request.tools,
    toolChoice: request.tool_choice,
    jsonTool,
    forceJsonTool: thinking === undefined,
    historyToolNames: converted.historyToolNames,
    hasToolBlocks: converted.hasToolBlocks,
  });
  if (toolConfig) body.toolConfig = toolConfig;

  for (const field of PASSTHROUGH_FIELDS) {
    const value = request[field] ?? deployment.params[field];
    if (value !== undefined && value !== null) {
      (body as unknown as Record<string, unknown>)[field] = value;
    }
  }
  if (typeof request.service_tier === "string" && SERVICE_TIERS.has(request.service_tier)) {
    body.serviceTier = { type: request.service_tier };
  }
  return body;
}

/** max_tokens must exceed a thinking budget; the client's value is then the answer's share. */
function withThinking(max: number | undefined, budget: number): number {
  if (max === undefined) return budget + THINKING_ANSWER_TOKENS;
  return max <= budget ? budget + max : max;
}

/**
 * The `maxTokens` `convertRequest` sends for this request (what output is billed up to), or
 * undefined when it sends none (the model's own limit applies).
 */
export function upstreamMaxTokens(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
  modelId: string,
): number | undefined {
  const max = inferenceConfig(request).maxTokens;
  const family = bedrockModelFamily(modelId, deployment);
  const budget = thinkingConfig(request, family, deployment.dropParams === true)?.budget_tokens;
  return typeof budget === "number" ? withThinking(max, budget) : max;
}

function inferenceConfig(request: ChatCompletionRequest): ConverseInferenceConfig {
  const config: ConverseInferenceConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") config.maxTokens = maxTokens;
  // OpenAI allows 0..2; Converse 0..1 (as LiteLLM does for Anthropic, clamp rather than fail).
  if (typeof request.temperature === "number")
    config.temperature = Math.min(request.temperature, 1);
  if (typeof request.top_p === "number") config.topP = request.top_p;
  const stop = typeof request.stop === "string" ? [request.stop] : (request.stop ?? []);
  // Converse rejects empty stop sequences.
  const stopSequences = stop.filter((sequence) => sequence !== "");
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  return config;
}

function recordField(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
