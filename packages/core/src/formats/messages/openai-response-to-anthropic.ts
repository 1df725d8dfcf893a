import type { ChatCompletion } from "../../openai/chat-response.ts";
import { parseArguments } from "../../providers/anthropic/convert-messages.ts";
import { isRecord } from "../../util/is-record.ts";
import { toAnthropicMessageId } from "./anthropic-message-id.ts";
import { type AnthropicStopReason, toAnthropicStopReason } from "./to-anthropic-stop-reason.ts";
import { type AnthropicUsageOut, toAnthropicUsage } from "./to-anthropic-usage.ts";

export type AnthropicResponseBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** The Anthropic Message body the `/v1/messages` route returns. */
export interface AnthropicMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsageOut;
}

/**
 * A chat completion as an Anthropic Message (docs §11.2, "Reverse"): thinking first (from
 * `thinking_blocks` with their signatures, else `reasoning_content` unsigned), then the text,
 * then one `tool_use` per tool call (`input` parsed from the arguments, `{}` when invalid).
 * Only the first choice is used: Anthropic has no `n`.
 */
export function openAIResponseToAnthropic(completion: ChatCompletion): AnthropicMessageResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicResponseBlock[] = [];

  const thinkingBlocks = Array.isArray(message?.thinking_blocks)
    ? (message.thinking_blocks as unknown[])
    : [];
  const signed = thinkingBlocks.filter(isRecord);
  if (signed.length > 0) {
    for (const block of signed) {
      if (block.type === "thinking" && typeof block.thinking === "string") {
        content.push({
          type: "thinking",
          thinking: block.thinking,
          signature: typeof block.signature === "string" ? block.signature : "",
        });
      } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
        content.push({ type: "redacted_thinking", data: block.data });
      }
    }
  } else if (typeof message?.reasoning_content === "string" && message.reasoning_content !== "") {
    content.push({ type: "thinking", thinking: message.reasoning_content, signature: "" });
  }

  if (typeof message?.content === "string" && message.content !== "") {
    content.push({ type: "text", text: message.content });
  }
  for (const call of message?.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }

  return {
    id: toAnthropicMessageId(completion.id),
    type: "message",
    role: "assistant",
    model: completion.model,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason, choice?.provider_finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}
