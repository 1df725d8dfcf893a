import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ToolCall } from "../../openai/chat-request.ts";
import type { AssistantResponseMessage, ChatCompletion } from "../../openai/chat-response.ts";
import type { RequestContext, UpstreamResponse } from "../../provider/adapter.ts";
import { completionId } from "../common/openai-ids.ts";
import { convertUsage } from "./convert-usage.ts";
import { jsonModeTool } from "./json-mode.ts";
import { finishReasonFor } from "./map-finish-reason.ts";
import { ConverseResponseSchema } from "./wire-schemas.ts";

/** LiteLLM's shape for Claude thinking kept next to `reasoning_content` (signatures included). */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string };

/**
 * A Converse answer as an OpenAI chat completion:
 * - `text` blocks join into `content` (null when the answer is only tool calls);
 * - `toolUse` blocks become `tool_calls` with `arguments: JSON.stringify(input)`, except the
 *   JSON-mode tool, whose input becomes the content;
 * - `reasoningContent` becomes `reasoning_content`, with LiteLLM's `thinking_blocks` keeping
 *   signatures so a client can send them back;
 * - the raw `stopReason` stays on the choice as `provider_finish_reason`.
 */
export function parseConverseResponse(
  response: UpstreamResponse,
  ctx: RequestContext,
  nowMs: number,
): ChatCompletion {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw new UpstreamError("Bedrock returned a body that is not JSON", { provider: "bedrock" });
  }
  const parsed = ConverseResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new UpstreamError("Bedrock returned a body that is not a Converse response", {
      provider: "bedrock",
    });
  }
  const answer = parsed.data;
  const jsonToolName = jsonModeTool(ctx.request)?.name;

  let text = "";
  let reasoning = "";
  let jsonAnswer: string | undefined;
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of answer.output.message?.content ?? []) {
    if (block.text !== undefined) text += block.text;
    if (block.toolUse) {
      const args = JSON.stringify(block.toolUse.input ?? {});
      if (block.toolUse.name === jsonToolName && jsonAnswer === undefined) jsonAnswer = args;
      else {
        toolCalls.push({
          id: block.toolUse.toolUseId,
          type: "function",
          function: { name: block.toolUse.name, arguments: args },
        });
      }
    }
    const reasoningBlock = block.reasoningContent;
    if (reasoningBlock?.reasoningText) {
      reasoning += reasoningBlock.reasoningText.text;
      const thinking: ThinkingBlock = {
        type: "thinking",
        thinking: reasoningBlock.reasoningText.text,
      };
      if (reasoningBlock.reasoningText.signature !== undefined) {
        thinking.signature = reasoningBlock.reasoningText.signature;
      }
      thinkingBlocks.push(thinking);
    } else if (reasoningBlock?.redactedContent !== undefined) {
      thinkingBlocks.push({ type: "redacted_thinking", data: reasoningBlock.redactedContent });
    }
  }

  const content = jsonAnswer ?? (text === "" && toolCalls.length > 0 ? null : text);
  const message: AssistantResponseMessage = { role: "assistant", content };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) {
    message.reasoning_content = reasoning;
    message["thinking_blocks"] = thinkingBlocks;
  }

  const completion: ChatCompletion = {
    id: completionId(undefined, ctx.callId),
    object: "chat.completion",
    created: Math.floor(nowMs / 1000),
    model: ctx.deployment.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: finishReasonFor(
          answer.stopReason,
          toolCalls.length > 0,
          jsonAnswer !== undefined,
        ),
        logprobs: null,
        provider_finish_reason: answer.stopReason,
      },
    ],
  };
  if (answer.usage) completion.usage = convertUsage(answer.usage);
  return completion;
}
