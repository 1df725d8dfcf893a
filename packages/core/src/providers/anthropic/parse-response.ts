import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ToolCall } from "../../openai/chat-request.ts";
import type { AssistantResponseMessage, ChatCompletion } from "../../openai/chat-response.ts";
import type { RequestContext, UpstreamResponse } from "../../provider/adapter.ts";
import { completionId, nowSeconds } from "../common/openai-ids.ts";
import { convertUsage } from "./convert-usage.ts";
import { isRecord } from "../../util/is-record.ts";
import { isJsonModeRequest, JSON_MODE_TOOL_NAME } from "./json-mode.ts";
import { mapAnthropicError, statusForErrorType } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { AnthropicMessageSchema, type AnthropicResponseContentBlock } from "./wire-schemas.ts";

/** A `thinking_blocks` entry (LiteLLM's extension), kept so clients can echo signatures back. */
export type ThinkingBlockOut =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

/**
 * An Anthropic Message to an OpenAI chat completion (docs §11.2): text blocks joined into
 * `content` (null when the answer is only tool calls), `tool_use` to `tool_calls` with
 * `JSON.stringify(input)` arguments, thinking to `reasoning_content` plus `thinking_blocks`,
 * and the JSON-mode tool's input as the content string.
 */
export function parseAnthropicResponse(
  response: UpstreamResponse,
  ctx: RequestContext,
): ChatCompletion {
  let payload: unknown;
  try {
    payload = JSON.parse(response.body);
  } catch {
    throw new UpstreamError("anthropic returned a response that is not JSON", {
      provider: "anthropic",
    });
  }
  if (isRecord(payload) && payload.type === "error") {
    const type = isRecord(payload.error) ? payload.error.type : undefined;
    throw mapAnthropicError(
      { ...response, status: statusForErrorType(typeof type === "string" ? type : undefined) },
      ctx.deployment,
    );
  }
  const parsed = AnthropicMessageSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue === undefined ? "" : ` at ${issue.path.join(".") || "<root>"}: ${issue.message}`;
    throw new UpstreamError(`anthropic returned an invalid message${where}`, {
      provider: "anthropic",
    });
  }
  const message = parsed.data;
  const assembled = assembleMessage(
    message.content,
    isJsonModeRequest(ctx.request.response_format),
  );

  return {
    id: completionId(message.id, ctx.callId),
    object: "chat.completion",
    created: nowSeconds(),
    model: message.model,
    choices: [
      {
        index: 0,
        message: assembled.message,
        logprobs: null,
        finish_reason: mapFinishReason(message.stop_reason, {
          jsonModeOnly: assembled.jsonModeOnly,
        }),
        provider_finish_reason: message.stop_reason,
      },
    ],
    usage: convertUsage(message.usage),
  };
}

interface AssembledMessage {
  message: AssistantResponseMessage;
  /** The only tool call was the JSON-mode tool, now shown as content. */
  jsonModeOnly: boolean;
}

function assembleMessage(
  blocks: readonly AnthropicResponseContentBlock[],
  jsonMode: boolean,
): AssembledMessage {
  let text = "";
  let hasText = false;
  let reasoning = "";
  let jsonContent: string | undefined;
  const thinkingBlocks: ThinkingBlockOut[] = [];
  const toolCalls: ToolCall[] = [];

  for (const block of blocks) {
    if (block.type === "text" && typeof block.text === "string") {
      text += block.text;
      hasText = true;
    } else if (
      block.type === "tool_use" &&
      typeof block.id === "string" &&
      typeof block.name === "string"
    ) {
      const args = JSON.stringify(block.input ?? {});
      if (jsonMode && block.name === JSON_MODE_TOOL_NAME) jsonContent = args;
      else
        toolCalls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: args },
        });
    } else if (block.type === "thinking" && typeof block.thinking === "string") {
      reasoning += block.thinking;
      thinkingBlocks.push({
        type: "thinking",
        thinking: block.thinking,
        signature: typeof block.signature === "string" ? block.signature : "",
      });
    } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
      thinkingBlocks.push({ type: "redacted_thinking", data: block.data });
    }
  }

  // LiteLLM replaces the content with the JSON-mode tool's input (any preamble text is dropped).
  const content = jsonContent ?? (hasText ? text : toolCalls.length > 0 ? null : "");
  const message: AssistantResponseMessage = { role: "assistant", content };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) {
    message.reasoning_content = reasoning;
    message.thinking_blocks = thinkingBlocks;
  }
  return { message, jsonModeOnly: jsonContent !== undefined && toolCalls.length === 0 };
}
