import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ToolCall } from "../../openai/chat-request.ts";
import type { AssistantResponseMessage, ChatCompletion } from "../../openai/chat-response.ts";
import type { RequestContext, UpstreamResponse } from "../../provider/adapter.ts";
import { completionId, nowSeconds } from "../common/openai-ids.ts";
import { convertUsage } from "./convert-usage.ts";
import { mapCohereError } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import {
  CohereChatResponseSchema,
  CohereErrorBodySchema,
  type CohereChatResponse,
  type CohereWireToolCall,
} from "./wire-schemas.ts";

/**
 * A Cohere v2 chat response to an OpenAI chat completion: `text` parts joined give `content`,
 * `thinking` parts give `reasoning_content`, `tool_calls` pass through (they already have
 * OpenAI's shape), and `tool_plan` (the text Cohere writes before calling tools) is the content
 * of a tool-calling answer. `model` is the deployment's model name: Cohere does not echo it.
 */
export function parseCohereResponse(
  response: UpstreamResponse,
  ctx: RequestContext,
): ChatCompletion {
  let payload: unknown;
  try {
    payload = JSON.parse(response.body);
  } catch {
    throw new UpstreamError("cohere returned a response that is not JSON", { provider: "cohere" });
  }
  const parsed = CohereChatResponseSchema.safeParse(payload);
  if (!parsed.success) {
    // A 200 that carries only `{"message": ...}` is an error in disguise.
    if (CohereErrorBodySchema.safeParse(payload).success) {
      throw mapCohereError({ ...response, status: 500 }, ctx.deployment);
    }
    const issue = parsed.error.issues[0];
    const where =
      issue === undefined ? "" : ` at ${issue.path.join(".") || "<root>"}: ${issue.message}`;
    throw new UpstreamError(`cohere returned an invalid chat response${where}`, {
      provider: "cohere",
    });
  }
  const data = parsed.data;
  const message = assembleMessage(data);
  const hasToolCalls = (message.tool_calls?.length ?? 0) > 0;
  const usage = convertUsage(data.usage);

  return {
    id: completionId(data.id, ctx.callId),
    object: "chat.completion",
    created: nowSeconds(),
    model: ctx.deployment.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: mapFinishReason(data.finish_reason, hasToolCalls),
        provider_finish_reason: data.finish_reason,
      },
    ],
    ...(usage === undefined ? {} : { usage }),
  };
}

function assembleMessage(data: CohereChatResponse): AssistantResponseMessage {
  let text = "";
  let hasText = false;
  let reasoning = "";
  for (const part of data.message.content ?? []) {
    if (part.type === "text" && typeof part.text === "string") {
      text += part.text;
      hasText = true;
    } else if (part.type === "thinking" && typeof part.thinking === "string") {
      reasoning += part.thinking;
    }
  }
  const toolCalls = (data.message.tool_calls ?? []).map(toOpenAIToolCall);
  const plan = data.message.tool_plan ?? "";
  const content = hasText ? text : plan !== "" ? plan : null;
  return {
    role: "assistant",
    content,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
  };
}

/** Arguments Cohere left empty are `"{}"`, never `""` (docs §12.4). */
export function toOpenAIToolCall(call: CohereWireToolCall): ToolCall {
  const args = call.function?.arguments ?? "";
  return {
    id: call.id,
    type: "function",
    function: { name: call.function?.name ?? "", arguments: args.trim() === "" ? "{}" : args },
  };
}
