import { openAIErrorBody } from "../chat-completions/chat-completions-format.ts";
import type { InboundFormat } from "../inbound-format.ts";
import { checkLiteLLMParams } from "../litellm-body-params.ts";
import { chatCompletionToResponse } from "./chat-completion-to-response.ts";
import { randomResponseIds } from "./response-ids.ts";
import { responsesRequestToChat } from "./responses-request-to-chat.ts";
import { ResponsesRequestSchema, type ResponsesRequest } from "./responses-request.ts";
import { createResponsesStreamEncoder } from "./responses-stream-encoder.ts";
import type { ResponsesStreamEvent } from "./responses-stream-event.ts";

/**
 * OpenAI's Responses API (`/v1/responses`) served by any chat deployment. Nothing is stored, so
 * `previous_response_id` is refused. Streams are named events (`event: response.created`...) and
 * end with `response.completed`, without `[DONE]`; a failure after the headers is
 * `response.failed` then `error`. Errors are in OpenAI's envelope.
 */
export const responsesFormat: InboundFormat<ResponsesRequest, ResponsesStreamEvent> = {
  name: "responses",
  requestSchema: ResponsesRequestSchema,
  checkChatRequest: true,
  relaysChatBytes: false,
  streamContentType: "text/event-stream",
  toChat: (request) => {
    checkLiteLLMParams(request);
    return responsesRequestToChat(request);
  },
  fromChat: (completion, request) => chatCompletionToResponse(completion, request),
  createStreamEncoder(request) {
    const encoder = createResponsesStreamEncoder(request, randomResponseIds());
    return {
      encode: (chunk) => encoder.encode(chunk),
      finish: () => encoder.finish(),
      fail: (error) => encoder.fail(openAIErrorBody(error).error),
    };
  },
  frame: (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
  errorBody: openAIErrorBody,
};
