import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from "../../openai/chat-request.ts";
import { THINKING_BUDGETS } from "../../providers/anthropic/convert-reasoning.ts";
import { isRecord } from "../../util/is-record.ts";
import { carryLiteLLMParams } from "../litellm-body-params.ts";
import {
  type AnthropicContentBlockParam,
  type AnthropicKnownContentBlockParam,
  type AnthropicMessageParam,
  type AnthropicMessagesRequest,
  type AnthropicTextBlockParam,
  type AnthropicToolChoice,
  KNOWN_CONTENT_BLOCK_TYPES,
} from "../../providers/anthropic/wire-schemas.ts";

export interface AnthropicRequestToOpenAIOptions {
  /**
   * Keep Anthropic-only information as the loose extensions this gateway's Anthropic adapter
   * (and LiteLLM) understand: `thinking` and `top_k` on the request, signed `thinking_blocks` on
   * assistant messages, `cache_control` on parts and messages, `is_error` on tool messages.
   * Turn it on when the request will be served by an Anthropic-family adapter: Anthropic needs
   * the signed thinking blocks echoed back in tool loops. Leave it off for other providers:
   * OpenAI rejects unknown fields.
   */
  preserveAnthropicFields?: boolean;
}

/**
 * An Anthropic Messages request (already validated with AnthropicMessagesRequestSchema) to an
 * OpenAI chat request, for the gateway's `/v1/messages` route (docs §11.2, "Reverse"):
 * `system` becomes a leading system message; `tool_result` blocks become `tool` messages placed
 * before the rest of their user turn; `tool_use` becomes `tool_calls`; images become
 * `image_url` parts (data URL or URL); PDFs become `file` parts; `stop_sequences` becomes
 * `stop`; `metadata.user_id` becomes `user` (LiteLLM's other `metadata` keys stay `metadata`);
 * thinking becomes `reasoning_effort` (LiteLLM's budgets read backwards); `output_config.format`
 * becomes a json_schema `response_format`. Server tools (web search...) have no OpenAI form and
 * are dropped. LiteLLM's body parameters (`fallbacks`, `mock_response`, `cache`...) are carried
 * over unchanged; other unknown fields are dropped.
 */
export function anthropicRequestToOpenAI(
  body: AnthropicMessagesRequest,
  options: AnthropicRequestToOpenAIOptions = {},
): ChatCompletionRequest {
  const preserve = options.preserveAnthropicFields === true;
  const messages: ChatMessage[] = [];
  const system = systemMessage(body.system, preserve);
  if (system !== undefined) messages.push(system);
  for (const message of body.messages) messages.push(...convertMessage(message, preserve));

  const request: ChatCompletionRequest = {
    model: body.model,
    messages,
    // OpenAI needs at least 1; Anthropic's 0 (cache pre-warming) has no OpenAI meaning.
    max_tokens: Math.max(1, body.max_tokens),
  };

  const tools = convertTools(body.tools, preserve);
  if (tools.length > 0) {
    request.tools = tools;
    const choice = convertToolChoice(body.tool_choice);
    if (choice !== undefined) request.tool_choice = choice;
    if (body.tool_choice !== undefined && "disable_parallel_tool_use" in body.tool_choice) {
      if (body.tool_choice.disable_parallel_tool_use === true) request.parallel_tool_calls = false;
    }
  }

  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0)
    request.stop = body.stop_sequences;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  mapUserAndMetadata(body, request);

  const effort = reasoningEffort(body);
  if (effort !== undefined) request.reasoning_effort = effort;

  const format = body.output_config?.format;
  if (format !== undefined && format !== null) {
    request.response_format = {
      type: "json_schema",
      json_schema: { name: "response", schema: format.schema, strict: true },
    };
  }

  if (preserve) {
    if (body.thinking !== undefined) request.thinking = body.thinking;
    if (body.top_k !== undefined) request.top_k = body.top_k;
    if (body.output_config?.effort != null)
      request.output_config = { effort: body.output_config.effort };
  }

  if (body.stream === true) {
    request.stream = true;
    // The Anthropic stream ends with usage in `message_delta`, so always ask for it.
    request.stream_options = { include_usage: true };
  }
  // LiteLLM's own parameters (fallbacks, num_retries, mock_response, cache...) steer the
  // gateway as on /v1/chat/completions; every adapter strips them before the upstream.
  carryLiteLLMParams(body, request);
  return request;
}

/**
 * Anthropic's `metadata` and LiteLLM's share one field. Anthropic defines only `user_id`, which
 * becomes chat's `user` as before (the end user of budgets and spend logs; the Anthropic adapter
 * sends it back as `metadata.user_id`). Every other key is LiteLLM's (`tags`, trace names) and
 * becomes chat's `metadata`, where the spend log reads the tags; no adapter forwards chat's
 * `metadata` without `store: true`, which this format never sets. A body `user` (LiteLLM's)
 * stands in only when `metadata.user_id` is absent: Anthropic's own field wins.
 */
function mapUserAndMetadata(body: AnthropicMessagesRequest, request: ChatCompletionRequest): void {
  const { user_id: userId, ...litellm } = body.metadata ?? {};
  if (typeof userId === "string" && userId !== "") request.user = userId;
  else if (typeof body.user === "string" && body.user !== "") request.user = body.user;
  if (Object.keys(litellm).length > 0) request.metadata = litellm;
}

function systemMessage(
  system: AnthropicMessagesRequest["system"],
  preserve: boolean,
): ChatMessage | undefined {
  if (system === undefined) return undefined;
  if (typeof system === "string")
    return system === "" ? undefined : { role: "system", content: system };
  const parts = system
    .filter((block) => block.text !== "")
    .map((block) => textPart(block, preserve));
  return parts.length === 0 ? undefined : { role: "system", content: simplify(parts) };
}

function convertMessage(message: AnthropicMessageParam, preserve: boolean): ChatMessage[] {
  if (message.role === "system") {
    // A mid-conversation system instruction stays where it is, as an OpenAI system message.
    const parts =
      typeof message.content === "string"
        ? [{ type: "text" as const, text: message.content }]
        : message.content
            .filter((block): block is AnthropicTextBlockParam => block.type === "text")
            .map((block) => textPart(block, preserve));
    const content = simplify(parts.filter((part) => part.text !== ""));
    return content === "" ? [] : [{ role: "system", content }];
  }
  if (typeof message.content === "string") {
    return message.role === "user"
      ? [{ role: "user", content: message.content }]
      : [{ role: "assistant", content: message.content }];
  }
  const blocks = message.content.filter(isKnownBlock);
  return message.role === "user"
    ? userMessages(blocks, preserve)
    : [assistantMessage(blocks, preserve)];
}

function isKnownBlock(block: AnthropicContentBlockParam): block is AnthropicKnownContentBlockParam {
  return KNOWN_CONTENT_BLOCK_TYPES.has(block.type);
}

/** Tool results first (one `tool` message each), then the user's own content, if any. */
function userMessages(blocks: AnthropicKnownContentBlockParam[], preserve: boolean): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    if (block.type === "tool_result") {
      const { content, leftover } = toolResultContent(block.content, preserve);
      out.push({
        role: "tool",
        tool_call_id: block.tool_use_id,
        content,
        ...(preserve && block.is_error === true ? { is_error: true } : {}),
        ...(preserve && block.cache_control ? { cache_control: block.cache_control } : {}),
      });
      // Images a tool returned cannot sit in an OpenAI tool message; they follow as user content.
      parts.push(...leftover);
    } else {
      const part = userPart(block, preserve);
      if (part !== undefined) parts.push(part);
    }
  }
  if (parts.length > 0) out.push({ role: "user", content: simplify(parts) });
  return out;
}

function toolResultContent(
  content: Extract<AnthropicKnownContentBlockParam, { type: "tool_result" }>["content"],
  preserve: boolean,
): { content: string | ContentPart[]; leftover: ContentPart[] } {
  if (content === undefined) return { content: "", leftover: [] };
  if (typeof content === "string") return { content, leftover: [] };
  const texts: ContentPart[] = [];
  const leftover: ContentPart[] = [];
  for (const block of content) {
    if (!KNOWN_CONTENT_BLOCK_TYPES.has(block.type)) continue;
    const part = userPart(block as AnthropicKnownContentBlockParam, preserve);
    if (part === undefined) continue;
    if (part.type === "text") texts.push(part);
    else leftover.push(part);
  }
  return { content: simplify(texts), leftover };
}

/**
 * A single plain text part becomes a string (the most portable form); several parts stay
 * parts, so block boundaries survive the round trip.
 */
function simplify(parts: ContentPart[]): string | ContentPart[] {
  if (parts.length === 0) return "";
  const only = parts[0];
  if (parts.length === 1 && only?.type === "text" && only.cache_control === undefined)
    return only.text;
  return parts;
}

function userPart(
  block: AnthropicKnownContentBlockParam,
  preserve: boolean,
): ContentPart | undefined {
  const cache =
    preserve && "cache_control" in block && block.cache_control
      ? { cache_control: block.cache_control }
      : {};
  switch (block.type) {
    case "text":
      return textPart(block, preserve);
    case "image": {
      const source = block.source;
      if (source.type === "base64") {
        return {
          type: "image_url",
          image_url: { url: `data:${source.media_type};base64,${source.data}` },
          ...cache,
        };
      }
      if (source.type === "url")
        return { type: "image_url", image_url: { url: source.url }, ...cache };
      throw unsupported("image blocks with a `file` source (Files API ids)");
    }
    case "document":
      return documentPart(block, cache);
    default:
      return undefined; // thinking blocks in a user turn, tool_use in the wrong turn
  }
}

function documentPart(
  block: Extract<AnthropicKnownContentBlockParam, { type: "document" }>,
  cache: Record<string, unknown>,
): ContentPart {
  const source = block.source;
  const title = typeof block.title === "string" ? block.title : undefined;
  if (source.type === "base64" && typeof source.data === "string") {
    const mediaType = typeof source.media_type === "string" ? source.media_type : "application/pdf";
    return {
      type: "file",
      file: {
        file_data: `data:${mediaType};base64,${source.data}`,
        ...(title ? { filename: title } : {}),
      },
      ...cache,
    };
  }
  if (source.type === "url" && typeof source.url === "string") {
    // Only Anthropic fetches documents by URL; this gateway's Anthropic adapter maps a `.pdf`
    // image_url back to a URL document.
    return { type: "image_url", image_url: { url: source.url }, ...cache };
  }
  if (source.type === "text" && typeof source.data === "string") {
    return { type: "text", text: source.data, ...cache };
  }
  if (source.type === "content") {
    const content = source.content;
    const text =
      typeof content === "string"
        ? content
        : Array.isArray(content)
          ? content
              .filter(
                (item): item is AnthropicTextBlockParam => isRecord(item) && item.type === "text",
              )
              .map((item) => item.text)
              .join("\n")
          : "";
    return { type: "text", text, ...cache };
  }
  throw unsupported(`document blocks with a \`${source.type}\` source`);
}

function textPart(
  block: AnthropicTextBlockParam,
  preserve: boolean,
): ContentPart & { cache_control?: unknown } {
  return {
    type: "text",
    text: block.text,
    ...(preserve && block.cache_control ? { cache_control: block.cache_control } : {}),
  };
}

function assistantMessage(
  blocks: AnthropicKnownContentBlockParam[],
  preserve: boolean,
): ChatMessage {
  let text = "";
  let hasText = false;
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: Record<string, unknown>[] = [];
  for (const block of blocks) {
    if (block.type === "text") {
      text += block.text;
      hasText = true;
    } else if (block.type === "tool_use") {
      toolCalls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === "thinking") {
      thinkingBlocks.push({
        type: "thinking",
        thinking: block.thinking,
        signature: block.signature,
      });
    } else if (block.type === "redacted_thinking") {
      thinkingBlocks.push({ type: "redacted_thinking", data: block.data });
    }
  }
  return {
    role: "assistant",
    content: hasText ? text : toolCalls.length > 0 ? null : "",
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(preserve && thinkingBlocks.length > 0 ? { thinking_blocks: thinkingBlocks } : {}),
  };
}

function convertTools(tools: AnthropicMessagesRequest["tools"], preserve: boolean): FunctionTool[] {
  const out: FunctionTool[] = [];
  for (const tool of tools ?? []) {
    // Client tools have an input_schema (and no type, or `custom`); server tools have neither.
    if (tool.input_schema === undefined || (tool.type != null && tool.type !== "custom")) continue;
    out.push({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema,
      },
      ...(preserve && tool.cache_control ? { cache_control: tool.cache_control } : {}),
    });
  }
  return out;
}

function convertToolChoice(choice: AnthropicToolChoice | undefined): ToolChoice | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: choice.name } };
  }
}

/**
 * `thinking.budget_tokens` read back through LiteLLM's budgets (≤1024 low, ≤2048 medium, else
 * high); adaptive thinking uses `output_config.effort` (`max` becomes `xhigh`), medium without.
 */
function reasoningEffort(
  body: AnthropicMessagesRequest,
): ChatCompletionRequest["reasoning_effort"] {
  const thinking = body.thinking;
  const effort = body.output_config?.effort;
  if (thinking?.type === "enabled") {
    const budget = thinking.budget_tokens;
    if (budget <= THINKING_BUDGETS.low) return "low";
    if (budget <= THINKING_BUDGETS.medium) return "medium";
    return "high";
  }
  if (thinking?.type === "disabled") return undefined;
  if (typeof effort === "string") {
    if (effort === "low" || effort === "medium" || effort === "high" || effort === "xhigh")
      return effort;
    if (effort === "max") return "xhigh";
  }
  return thinking?.type === "adaptive" ? "medium" : undefined;
}

function unsupported(what: string): InvalidRequestError {
  return new InvalidRequestError(`${what} cannot be translated for this model`, {
    param: "messages",
  });
}
