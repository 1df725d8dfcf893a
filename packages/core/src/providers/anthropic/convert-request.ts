import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { extraBodyFields } from "../../openai/extra-body.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { defaultMaxTokens, restrictsSamplingParams } from "./claude-models.ts";
import { convertMessages } from "./convert-messages.ts";
import { convertReasoningEffort } from "./convert-reasoning.ts";
import { convertToolChoice, convertTools } from "./convert-tools.ts";
import { isRecord } from "../../util/is-record.ts";
import { JSON_MODE_TOOL_NAME } from "./json-mode.ts";
import type {
  AnthropicMessagesRequest,
  AnthropicOutputConfig,
  AnthropicTextBlockParam,
  AnthropicThinkingConfig,
  AnthropicTool,
  AnthropicToolChoice,
} from "./wire-schemas.ts";

export interface ConvertedRequest {
  body: AnthropicMessagesRequest;
  /** True when `response_format` was turned into the forced `json_tool_call` tool. */
  jsonMode: boolean;
}

/**
 * Anthropic-native request fields a client may put in an OpenAI request (LiteLLM forwards
 * provider-specific params the same way); `top_k`, `thinking` and `output_config` are handled
 * with the params they interact with. Other unknown fields are not forwarded: Anthropic
 * rejects unknown fields with a 400.
 */
const NATIVE_PASSTHROUGH = [
  "container",
  "mcp_servers",
  "context_management",
  "inference_geo",
  "cache_control",
] as const;

/** The body of `POST /v1/messages` for an OpenAI chat request (docs §11.1). */
export function convertRequest(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): ConvertedRequest {
  const model = deployment.model;
  const dropParams = deployment.dropParams === true;
  if (typeof request.n === "number" && request.n > 1 && !dropParams) {
    throw new InvalidRequestError(
      "anthropic does not support n > 1 (one choice per request). Remove `n`, or set " +
        "drop_params: true to get a single choice.",
      { param: "n", code: "unsupported_parameter", provider: "anthropic" },
    );
  }

  const { system, messages } = convertMessages(request.messages);
  const body: AnthropicMessagesRequest = { model, max_tokens: 0, messages };
  const systemValue = systemField(system);
  if (systemValue !== undefined) body.system = systemValue;

  const reasoning = reasoningOf(request, model);
  const thinking = reasoning?.thinking;
  const thinkingOn = thinking !== undefined && thinking.type !== "disabled";

  body.max_tokens = maxTokens(request, deployment, thinking);

  // Tools, then JSON mode (which adds its own tool and, without thinking, forces it).
  const tools: AnthropicTool[] = request.tools ? convertTools(request.tools) : [];
  let toolChoice: AnthropicToolChoice | undefined =
    tools.length > 0
      ? convertToolChoice(request.tool_choice, request.parallel_tool_calls)
      : undefined;
  let jsonMode = false;
  const format = request.response_format;
  if (format !== undefined && format.type !== "text") {
    const schema = format.type === "json_schema" ? format.json_schema.schema : undefined;
    tools.push({
      name: JSON_MODE_TOOL_NAME,
      ...(format.type === "json_schema" && format.json_schema.description
        ? { description: format.json_schema.description }
        : {}),
      input_schema:
        schema === undefined
          ? { type: "object", properties: {}, additionalProperties: true }
          : { type: "object", ...schema },
    });
    // Anthropic refuses a forced tool while thinking; LiteLLM then leaves the choice to the
    // model, and so do we.
    toolChoice = thinkingOn ? toolChoice : { type: "tool", name: JSON_MODE_TOOL_NAME };
    jsonMode = true;
  }
  if (tools.length > 0) body.tools = tools;
  if (toolChoice !== undefined) body.tool_choice = toolChoice;

  if (thinking !== undefined) body.thinking = thinking;
  const outputConfig: AnthropicOutputConfig = {
    ...(isRecord(request.output_config) ? (request.output_config as AnthropicOutputConfig) : {}),
    ...(reasoning?.effort === undefined ? {} : { effort: reasoning.effort }),
  };
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  const stop = stopSequences(request.stop, dropParams);
  if (stop !== undefined) body.stop_sequences = stop;

  Object.assign(body, samplingParams(request, model, thinkingOn, dropParams));

  const userId = request.user;
  if (typeof userId === "string" && isAcceptableUserId(userId)) body.metadata = { user_id: userId };

  const serviceTier = request.service_tier;
  if (serviceTier === "auto" || serviceTier === "standard_only") body.service_tier = serviceTier;
  for (const key of NATIVE_PASSTHROUGH) {
    const value = request[key];
    if (value !== undefined && value !== null) body[key] = value;
  }
  if (request.stream === true) body.stream = true;

  // OpenAI SDK semantics: `extra_body` is merged into the upstream body as is.
  // Never the model, prompt, bounds or stream the gateway routed and reserved for.
  Object.assign(body, extraBodyFields(request.extra_body));
  return { body, jsonMode };
}

function systemField(
  blocks: AnthropicTextBlockParam[],
): string | AnthropicTextBlockParam[] | undefined {
  if (blocks.length === 0) return undefined;
  // A single plain prompt goes as a string: every Anthropic-compatible server takes that form.
  const only = blocks[0];
  if (blocks.length === 1 && only !== undefined && only.cache_control === undefined)
    return only.text;
  return blocks;
}

/** Thinking: an explicit Anthropic `thinking` object wins over `reasoning_effort`. */
function reasoningOf(request: ChatCompletionRequest, model: string) {
  const explicitThinking = isRecord(request.thinking)
    ? (request.thinking as AnthropicThinkingConfig)
    : undefined;
  return explicitThinking === undefined
    ? convertReasoningEffort(request.reasoning_effort, model)
    : { thinking: explicitThinking };
}

/** The `max_tokens` `convertRequest` sends for this request (what output is billed up to). */
export function upstreamMaxTokens(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): number {
  return maxTokens(request, deployment, reasoningOf(request, deployment.model)?.thinking);
}

/**
 * `max_completion_tokens`, else `max_tokens`, else the deployment's `max_tokens` litellm_param,
 * else the model's default (claude-models.ts). With a thinking budget, `max_tokens` must exceed
 * the budget (it counts thinking): a smaller value is raised to budget + value, so the answer
 * keeps the room the client asked for.
 */
function maxTokens(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
  thinking: AnthropicThinkingConfig | undefined,
): number {
  const configured = deployment.params.max_tokens;
  const value =
    request.max_completion_tokens ??
    request.max_tokens ??
    (typeof configured === "number" && configured > 0 ? configured : undefined) ??
    defaultMaxTokens(deployment.model);
  if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number") {
    const budget = thinking.budget_tokens;
    if (value <= budget) return budget + value;
  }
  return value;
}

/** Anthropic rejects whitespace-only stop sequences; LiteLLM drops them under drop_params. */
function stopSequences(
  stop: ChatCompletionRequest["stop"],
  dropParams: boolean,
): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = (typeof stop === "string" ? [stop] : stop).filter(
    (sequence) => sequence !== "" && !(dropParams && sequence.trim() === ""),
  );
  return list.length > 0 ? list : undefined;
}

/**
 * `temperature` is clamped to Anthropic's 0..1 (OpenAI allows 0..2). With thinking on,
 * Anthropic refuses `temperature` and `top_k` and only takes `top_p` in 0.95..1, so those are
 * left out. Models after Opus 4.6 refuse non-default sampling params; under drop_params we
 * leave them out for those models instead of failing.
 */
function samplingParams(
  request: ChatCompletionRequest,
  model: string,
  thinkingOn: boolean,
  dropParams: boolean,
): Partial<AnthropicMessagesRequest> {
  const restricted = dropParams && restrictsSamplingParams(model);
  const out: Partial<AnthropicMessagesRequest> = {};
  const temperature = request.temperature;
  if (typeof temperature === "number" && !thinkingOn) {
    const clamped = Math.min(1, Math.max(0, temperature));
    if (!restricted || clamped === 1) out.temperature = clamped;
  }
  const topP = request.top_p;
  if (typeof topP === "number" && (!thinkingOn || topP >= 0.95) && (!restricted || topP >= 0.99)) {
    out.top_p = topP;
  }
  const topK = request.top_k;
  if (typeof topK === "number" && !thinkingOn && !restricted) out.top_k = topK;
  return out;
}

/** LiteLLM's `_valid_user_id`: Anthropic rejects emails and phone numbers as `user_id`. */
function isAcceptableUserId(userId: string): boolean {
  if (userId === "") return false;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(userId)) return false;
  if (/^\+?[\d\s().-]{7,}$/.test(userId)) return false;
  return true;
}
