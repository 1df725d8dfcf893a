import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from "@opentelemetry/semantic-conventions";
import type { CallType, RequestEvent } from "../events/request-event.ts";

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

/** The SERVER span's attributes (the whole request). */
export function requestAttributes(event: RequestEvent): Attributes {
  const a: Attributes = {
    "gen_ai.operation.name": operationName(event.callType),
    "gen_ai.request.model": event.requestedModel,
    [ATTR_HTTP_ROUTE]: event.route,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: event.httpStatus,
    "llm_gateway.call_id": event.callId,
    "llm_gateway.call_type": event.callType,
    "llm_gateway.stream": event.stream,
    "llm_gateway.cache_hit": event.cacheHit,
    "llm_gateway.retries": event.retries,
  };
  set(a, "gen_ai.provider.name", event.provider && providerName(event.provider));
  set(a, "gen_ai.response.model", responseModel(event));
  const tokens = event.tokens;
  if (tokens !== undefined) {
    a["gen_ai.usage.input_tokens"] = tokens.prompt;
    a["gen_ai.usage.output_tokens"] = tokens.completion;
    if (tokens.cached > 0) a["gen_ai.usage.cache_read.input_tokens"] = tokens.cached;
    if (tokens.reasoning > 0) a["llm_gateway.usage.reasoning_tokens"] = tokens.reasoning;
    if (tokens.estimated === true) a["llm_gateway.usage.estimated"] = true;
  }
  set(a, "llm_gateway.cost_usd", event.cost);
  set(a, "llm_gateway.model_group", event.modelGroup);
  set(a, "llm_gateway.deployment_id", event.deploymentId);
  set(a, "llm_gateway.api_base", event.apiBase);
  set(a, "llm_gateway.key_hash", event.keyHash);
  set(a, "llm_gateway.key_alias", event.keyAlias);
  set(a, "llm_gateway.team_id", event.teamId);
  set(a, "llm_gateway.team_alias", event.teamAlias);
  set(a, "llm_gateway.user_id", event.userId);
  set(a, "llm_gateway.end_user", event.endUser);
  set(a, "llm_gateway.org_id", event.orgId);
  if (event.fallbacks.length > 0) a["llm_gateway.fallbacks"] = [...event.fallbacks];
  if (event.tags.length > 0) a["llm_gateway.tags"] = [...event.tags];
  if (event.firstTokenTime !== undefined && event.stream) {
    a["llm_gateway.time_to_first_token_ms"] = event.firstTokenTime - event.startTime;
  }
  if (event.partial === true) a["llm_gateway.partial"] = true;
  if (event.status === "failure") {
    a[ATTR_ERROR_TYPE] = event.errorClass ?? "_OTHER";
    set(a, "llm_gateway.error_status", event.errorStatus);
  }
  // Content only when whoever built the event put it there (message logging on).
  if (event.messages !== undefined) a["gen_ai.input.messages"] = json(event.messages);
  if (event.response !== undefined) a["gen_ai.output.messages"] = json(event.response);
  return a;
}

function set(a: Attributes, key: string, value: string | number | undefined | "" | false): void {
  if (value !== undefined && value !== "" && value !== false) a[key] = value;
}

function json(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "[unserializable]";
  }
}
