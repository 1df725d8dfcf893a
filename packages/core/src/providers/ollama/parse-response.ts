import type { ChatCompletion } from "../../openai/chat-response.ts";
import type { RequestContext, UpstreamResponse } from "../../provider/adapter.ts";
import { convertUsage } from "./convert-usage.ts";
import { toOpenAIToolCall } from "./convert-tool-calls.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { parseOllamaPayload } from "./parse-ollama-payload.ts";
import { completionId } from "../common/openai-ids.ts";
import { createdSeconds } from "./created-seconds.ts";
import { ThinkTagSplitter } from "./think-tag-splitter.ts";

/**
 * A non-streamed `/api/chat` answer to an OpenAI chat completion: `message.content` (with a
 * leading `<think>...</think>` split out), `message.thinking` as `reasoning_content`, tool
 * calls with stringified arguments and minted ids, `done_reason` mapped (calls give
 * `tool_calls`), and usage from `prompt_eval_count` / `eval_count`.
 */
export function parseOllamaResponse(
  response: UpstreamResponse,
  ctx: RequestContext,
): ChatCompletion {
  const data = parseOllamaPayload(response.body, ctx.deployment);
  const splitter = new ThinkTagSplitter();
  const fed = splitter.feed(data.message?.content ?? "");
  const rest = splitter.flush();
  const content = fed.content + rest.content;
  const reasoning = (data.message?.thinking ?? "") + fed.reasoning + rest.reasoning;
  const toolCalls = (data.message?.tool_calls ?? []).map(toOpenAIToolCall);

  return {
    id: completionId(undefined, ctx.callId),
    object: "chat.completion",
    created: createdSeconds(data.created_at),
    model: ctx.deployment.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: content === "" && toolCalls.length > 0 ? null : content,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning === "" ? {} : { reasoning_content: reasoning }),
        },
        logprobs: null,
        finish_reason: mapFinishReason(data.done_reason, toolCalls.length > 0),
        provider_finish_reason: data.done_reason ?? null,
      },
    ],
    usage: convertUsage(data),
  };
}
