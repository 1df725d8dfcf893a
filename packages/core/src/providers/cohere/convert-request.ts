import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { cohereModelName } from "./cohere-url.ts";
import { convertMessages } from "./convert-messages.ts";
import { convertResponseFormat } from "./convert-response-format.ts";
import { convertThinking } from "./convert-thinking.ts";
import { convertTools } from "./convert-tools.ts";
import type { CohereChatRequest } from "./wire-schemas.ts";

/**
 * Cohere-native request fields forwarded when a client (or the deployment's litellm_params)
 * sets them, as LiteLLM forwards provider-specific params. Other unknown fields stay out: they
 * are not Cohere's (OpenAI-only fields, gateway metadata) and would only risk a 400.
 */
const NATIVE_PASSTHROUGH = [
  "k",
  "documents",
  "citation_options",
  "safety_mode",
  "strict_tools",
  "thinking",
  "priority",
] as const;

/** Cohere's documented `p` range is 0.01..0.99; OpenAI clients commonly send `top_p: 1`. */
const MIN_P = 0.01;
const MAX_P = 0.99;

/** The body of `POST /v2/chat` for an OpenAI chat request (docs §7, cohere-typescript V2ChatRequest). */
export function convertRequest(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): CohereChatRequest {
  if (typeof request.n === "number" && request.n > 1 && deployment.dropParams !== true) {
    throw new InvalidRequestError(
      "cohere does not support n > 1 (one choice per request). Remove `n`, or set " +
        "drop_params: true to get a single choice.",
      { param: "n", code: "unsupported_parameter", provider: "cohere" },
    );
  }

  const body: CohereChatRequest = {
    model: cohereModelName(deployment.model),
    messages: convertMessages(request.messages),
    stream: request.stream === true,
  };

  Object.assign(body, convertTools(request.tools, request.tool_choice));
  const responseFormat = convertResponseFormat(request.response_format);
  if (responseFormat !== undefined) body.response_format = responseFormat;
  const thinking = convertThinking(request.reasoning_effort);
  if (thinking !== undefined) body.thinking = thinking;

  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") body.max_tokens = maxTokens;
  if (typeof request.stop === "string") body.stop_sequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0)
    body.stop_sequences = request.stop;
  if (typeof request.temperature === "number") body.temperature = request.temperature;
  if (typeof request.top_p === "number") body.p = Math.min(MAX_P, Math.max(MIN_P, request.top_p));
  if (typeof request.seed === "number") body.seed = request.seed;
  if (typeof request.frequency_penalty === "number") {
    body.frequency_penalty = request.frequency_penalty;
  }
  if (typeof request.presence_penalty === "number")
    body.presence_penalty = request.presence_penalty;
  // `top_k` is the name OpenAI-style clients use for Cohere's `k`.
  if (typeof request.top_k === "number") body.k = request.top_k;

  for (const field of NATIVE_PASSTHROUGH) {
    const value = request[field] ?? deployment.params[field];
    if (value !== undefined && value !== null) (body as Record<string, unknown>)[field] = value;
  }
  return body;
}
