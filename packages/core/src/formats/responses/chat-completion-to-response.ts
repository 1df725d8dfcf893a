import type { ChatCompletion } from "../../openai/chat-response.ts";
import { randomResponseIds, type ResponseIds } from "./response-ids.ts";
import {
  createResponseObject,
  type ResponseObject,
  type ResponseOutputItem,
  type ResponseOutputMessage,
} from "./response-object.ts";
import { toResponseStatus } from "./response-status.ts";
import type { ResponsesRequest } from "./responses-request.ts";
import { toResponsesUsage } from "./responses-usage.ts";

/**
 * A chat completion as a Response object. Output items come in the order OpenAI produces them:
 * reasoning, then the message, then function calls. A message is always present unless the
 * model only called tools, so `output_text` (which the SDKs compute from the message parts) is
 * defined for every text answer. Only the first choice is used: the Responses API has no `n`.
 *
 * `output_text` itself is not sent: OpenAI's API does not send it either (the SDKs add it).
 */
export function chatCompletionToResponse(
  completion: ChatCompletion,
  request: ResponsesRequest,
  ids: ResponseIds = randomResponseIds(),
): ResponseObject {
  const choice = completion.choices[0];
  const { status, incomplete_details } = toResponseStatus(choice?.finish_reason);
  const itemStatus = status === "completed" ? "completed" : "incomplete";
  const message = choice?.message;
  const output: ResponseOutputItem[] = [];

  if (message?.reasoning_content) {
    output.push({
      id: ids.itemId("rs"),
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: message.reasoning_content }],
    });
  }
  const toolCalls = message?.tool_calls ?? [];
  const text = message?.content ?? "";
  const refusal = message?.refusal ?? "";
  if (text !== "" || refusal !== "" || toolCalls.length === 0) {
    const content: ResponseOutputMessage["content"] = [];
    if (text !== "" || refusal === "") {
      content.push({ type: "output_text", annotations: [], logprobs: [], text });
    }
    if (refusal !== "") content.push({ type: "refusal", refusal });
    output.push({
      id: ids.itemId("msg"),
      type: "message",
      status: itemStatus,
      content,
      role: "assistant",
    });
  }
  for (const call of toolCalls) {
    output.push({
      id: ids.itemId("fc"),
      type: "function_call",
      status: itemStatus,
      arguments: call.function.arguments,
      call_id: call.id,
      name: call.function.name,
    });
  }

  return createResponseObject(request, ids, {
    status,
    incomplete_details,
    model: completion.model || request.model,
    output,
    usage: toResponsesUsage(completion.usage),
    service_tier: completion.service_tier,
  });
}
