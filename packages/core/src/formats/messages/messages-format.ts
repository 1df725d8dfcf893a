import type { AnthropicMessagesRequest } from "../../providers/anthropic/wire-schemas.ts";
import { AnthropicMessagesRequestSchema } from "../../providers/anthropic/wire-schemas.ts";
import type { InboundFormat } from "../inbound-format.ts";
import { checkLiteLLMParams } from "../litellm-body-params.ts";
import { anthropicRequestToOpenAI } from "./anthropic-request-to-openai.ts";
import { openAIResponseToAnthropic } from "./openai-response-to-anthropic.ts";
import {
  createOpenAIToAnthropicStreamEncoder,
  type AnthropicSseEvent,
} from "./openai-to-anthropic-stream-encoder.ts";
import { toAnthropicErrorBody } from "./to-anthropic-error.ts";

/**
 * Anthropic's Messages API (`/v1/messages`) in front of any configured model. Every error,
 * including a bad body, a missing key or an unknown model, is in Anthropic's envelope
 * (`{"type":"error","error":{type,message}}`), since Anthropic SDK clients parse only that; a
 * stream that fails after the headers ends with Anthropic's `error` event.
 */
export const messagesFormat: InboundFormat<AnthropicMessagesRequest, AnthropicSseEvent> = {
  name: "messages",
  requestSchema: AnthropicMessagesRequestSchema,
  checkChatRequest: false,
  relaysChatBytes: false,
  streamContentType: "text/event-stream; charset=utf-8",
  toChat: (request, context) => {
    checkLiteLLMParams(request);
    return anthropicRequestToOpenAI(request, {
      // Against Anthropic the call passes through faithfully (signed thinking blocks,
      // cache_control, top_k); other providers would reject those fields.
      preserveAnthropicFields: servedOnlyByAnthropic(context.providersOf(request.model)),
    });
  },
  fromChat: (completion) => openAIResponseToAnthropic(completion),
  createStreamEncoder() {
    const encoder = createOpenAIToAnthropicStreamEncoder();
    return {
      encode: (chunk) => encoder.encode(chunk),
      finish: () => encoder.finish(),
      fail: (error) => encoder.error(toAnthropicErrorBody(error).error),
    };
  },
  frame: (event) => `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`,
  errorBody: toAnthropicErrorBody,
};

function servedOnlyByAnthropic(providers: readonly string[]): boolean {
  return providers.length > 0 && providers.every((provider) => provider === "anthropic");
}
