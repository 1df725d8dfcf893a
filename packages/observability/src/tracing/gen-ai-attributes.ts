import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from "@opentelemetry/semantic-conventions";
import type { CallType, RequestEvent } from "../events/request-event.ts";
import type { AttributeWriter } from "./span-encoder.ts";

/**
 * Span attributes for one request: the OpenTelemetry GenAI semantic conventions where they
 * name the thing (gen_ai.*), the HTTP ones for the route and status, and ours under
 * `llm_gateway.` for what the conventions do not cover (cost, cache hit, key alias, team).
 * The gen_ai.* names are written out: they are still "incubating" in
 * @opentelemetry/semantic-conventions and only exported from its unstable entry point.
 * Never the key itself (only its hash, as LiteLLM logs it); messages only when the event
 * carries them (message logging on).
 */

/** gen_ai.operation.name values from the conventions; other call types pass through. */
const OPERATION_NAMES: Record<CallType, string> = {
  chat: "chat",
  messages: "chat",
  responses: "chat",
  completion: "text_completion",
  embedding: "embeddings",
  rerank: "rerank",
  image: "image_generation",
  audio: "audio",
  other: "other",
};

/** LiteLLM provider names to gen_ai.provider.name well-known values; others pass through. */
const PROVIDER_NAMES: Record<string, string> = {
  openai: "openai",
  text_completion_openai: "openai",
  anthropic: "anthropic",
  azure: "azure.ai.openai",
  azure_ai: "azure.ai.inference",
  bedrock: "aws.bedrock",
  vertex_ai: "gcp.vertex_ai",
  vertex_ai_beta: "gcp.vertex_ai",
  gemini: "gcp.gemini",
  cohere: "cohere",
  mistral: "mistral_ai",
  groq: "groq",
  deepseek: "deepseek",
  perplexity: "perplexity",
  xai: "x_ai",
  watsonx: "ibm.watsonx.ai",
};

export function operationName(callType: CallType): string {
  return OPERATION_NAMES[callType];
}

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** `openai/gpt-4o` is what the gateway sends to LiteLLM's router; the provider saw `gpt-4o`. */
export function responseModel(event: Pick<RequestEvent, "providerModel" | "provider">) {
  const model = event.providerModel;
  if (model === undefined) return undefined;
  const slash = model.indexOf("/");
  if (slash > 0 && event.provider !== undefined && model.slice(0, slash) === event.provider) {
    return model.slice(slash + 1);
  }
  return model;
}

/**
 * The SERVER span's attributes (the whole request), written into `a` in a fixed order. Values
 * that are absent, empty or false are left out, as before (the SDK dropped undefined ones).
 */
export function writeRequestAttributes(event: RequestEvent, a: AttributeWriter): void {
  a.str("gen_ai.operation.name", operationName(event.callType));
  a.str("gen_ai.request.model", event.requestedModel);
  a.str(ATTR_HTTP_ROUTE, event.route);
  a.num(ATTR_HTTP_RESPONSE_STATUS_CODE, event.httpStatus);
  a.str("llm_gateway.call_id", event.callId);
  a.str("llm_gateway.call_type", event.callType);
  a.bool("llm_gateway.stream", event.stream);
  a.bool("llm_gateway.cache_hit", event.cacheHit);
  a.num("llm_gateway.retries", event.retries);
  if (event.provider) a.str("gen_ai.provider.name", providerName(event.provider));
  str(a, "gen_ai.response.model", responseModel(event));
  writeUsage(event, a);
  if (event.cost !== undefined) a.num("llm_gateway.cost_usd", event.cost);
  str(a, "llm_gateway.model_group", event.modelGroup);
  str(a, "llm_gateway.deployment_id", event.deploymentId);
  str(a, "llm_gateway.api_base", event.apiBase);
  str(a, "llm_gateway.key_hash", event.keyHash);
  str(a, "llm_gateway.key_alias", event.keyAlias);
  str(a, "llm_gateway.team_id", event.teamId);
  str(a, "llm_gateway.team_alias", event.teamAlias);
  str(a, "llm_gateway.user_id", event.userId);
  str(a, "llm_gateway.end_user", event.endUser);
  str(a, "llm_gateway.org_id", event.orgId);
  if (event.fallbacks.length > 0) a.strs("llm_gateway.fallbacks", event.fallbacks);
  if (event.tags.length > 0) a.strs("llm_gateway.tags", event.tags);
  if (event.firstTokenTime !== undefined && event.stream) {
    a.num("llm_gateway.time_to_first_token_ms", event.firstTokenTime - event.startTime);
  }
  if (event.partial === true) a.bool("llm_gateway.partial", true);
  if (event.status === "failure") {
    a.str(ATTR_ERROR_TYPE, event.errorClass || "_OTHER");
    if (event.errorStatus !== undefined) a.num("llm_gateway.error_status", event.errorStatus);
  }
  // Content only when whoever built the event put it there (message logging on).
  if (event.messages !== undefined) a.str("gen_ai.input.messages", json(event.messages));
  if (event.response !== undefined) a.str("gen_ai.output.messages", json(event.response));
}

/** The answer's provider, model and usage: on the server span and the attempt that answered. */
export function writeAnswer(event: RequestEvent, a: AttributeWriter): void {
  if (event.provider) a.str("gen_ai.provider.name", providerName(event.provider));
  str(a, "gen_ai.response.model", responseModel(event));
  writeUsage(event, a);
}

function writeUsage(event: RequestEvent, a: AttributeWriter): void {
  const tokens = event.tokens;
  if (tokens === undefined) return;
  a.num("gen_ai.usage.input_tokens", tokens.prompt);
  a.num("gen_ai.usage.output_tokens", tokens.completion);
  if (tokens.cached > 0) a.num("gen_ai.usage.cache_read.input_tokens", tokens.cached);
  if (tokens.reasoning > 0) a.num("llm_gateway.usage.reasoning_tokens", tokens.reasoning);
  if (tokens.estimated === true) a.bool("llm_gateway.usage.estimated", true);
}

function str(a: AttributeWriter, key: string, value: string | undefined): void {
  if (value !== undefined && value !== "") a.str(key, value);
}

function json(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "[unserializable]";
  }
}
