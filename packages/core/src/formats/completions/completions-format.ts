import type { ErrorEnvelope } from "../../errors/gateway-error.ts";
import { openAIErrorBody, SSE_DONE } from "../chat-completions/chat-completions-format.ts";
import type { InboundFormat } from "../inbound-format.ts";
import { checkLiteLLMParams } from "../litellm-body-params.ts";
import { chatCompletionToTextCompletion } from "./chat-completion-to-text-completion.ts";
import { completionRequestToChat } from "./completion-request-to-chat.ts";
import { CompletionRequestSchema, type CompletionRequest } from "./completion-request.ts";
import { createCompletionStreamEncoder } from "./completion-stream-encoder.ts";
import type { TextCompletion } from "./text-completion.ts";

export type CompletionStreamEvent = TextCompletion | ErrorEnvelope | typeof SSE_DONE;

/**
 * OpenAI's legacy text completions (`/v1/completions`) served by any chat deployment: the prompt
 * becomes a user message. Streams end with `data: [DONE]` as OpenAI's do; a failure after the
 * headers is `data: {"error": ...}` without `[DONE]`, as on chat.
 */
export const completionsFormat: InboundFormat<CompletionRequest, CompletionStreamEvent> = {
  name: "completions",
  requestSchema: CompletionRequestSchema,
  checkChatRequest: true,
  relaysChatBytes: false,
  streamContentType: "text/event-stream",
  toChat: (request) => {
    checkLiteLLMParams(request);
    return completionRequestToChat(request);
  },
  fromChat: (completion, request) => chatCompletionToTextCompletion(completion, request),
  createStreamEncoder(request) {
    const encoder = createCompletionStreamEncoder(request);
    const includeUsage = request.stream_options?.include_usage === true;
    return {
      encode: (chunk) =>
        encoder.encode(chunk).filter((out) => includeUsage || out.choices.length > 0),
      finish: () => [SSE_DONE],
      fail: (error) => [openAIErrorBody(error)],
    };
  },
  frame: (event) => `data: ${event === SSE_DONE ? SSE_DONE : JSON.stringify(event)}\n\n`,
  errorBody: openAIErrorBody,
};
