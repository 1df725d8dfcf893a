import type { GatewayError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import {
  ChatCompletionRequestSchema,
  type ChatCompletionRequest,
} from "../../openai/chat-request.ts";
import type { ErrorEnvelope } from "../../errors/gateway-error.ts";
import type { InboundFormat } from "../inbound-format.ts";
import { checkLiteLLMParams } from "../litellm-body-params.ts";

/** `data: [DONE]`, OpenAI's end of stream. */
export const SSE_DONE = "[DONE]";

export type ChatStreamEvent = ChatCompletionChunk | ErrorEnvelope | typeof SSE_DONE;

/**
 * OpenAI chat completions (`/v1/chat/completions`): the internal format itself, so translation is
 * the identity. A stream is `data: {chunk}` frames, then `data: [DONE]`; one that fails after the
 * headers ends with `data: {"error": ...}` and no `[DONE]`, so no client mistakes the truncated
 * answer for a finished one.
 */
export const chatCompletionsFormat: InboundFormat<ChatCompletionRequest, ChatStreamEvent> = {
  name: "chat.completions",
  requestSchema: ChatCompletionRequestSchema,
  checkChatRequest: false,
  relaysChatBytes: true,
  streamContentType: "text/event-stream",
  toChat: (request) => {
    // The identity, once LiteLLM's own parameters are known to be well formed.
    checkLiteLLMParams(request);
    return request;
  },
  fromChat: (completion) => completion,
  createStreamEncoder(request) {
    // The usage-only chunk goes out only when the client asked for it, as OpenAI does.
    const includeUsage = request.stream_options?.include_usage === true;
    return {
      encode: (chunk) => (includeUsage || !isUsageOnly(chunk) ? [chunk] : []),
      finish: () => [SSE_DONE],
      fail: (error) => [openAIErrorBody(error)],
    };
  },
  frame: (event) => (event === SSE_DONE ? DONE_FRAME : `data: ${JSON.stringify(event)}\n\n`),
  errorBody: openAIErrorBody,
};

const DONE_FRAME = `data: ${SSE_DONE}\n\n`;

function isUsageOnly(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage != null;
}

/** OpenAI's `{"error": {message, type, param, code}}`, which the OpenAI-shaped formats share. */
export function openAIErrorBody(error: GatewayError): ErrorEnvelope {
  return error.toJSON();
}
