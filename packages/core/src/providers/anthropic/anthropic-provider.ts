import type {
  ChatAdapter,
  ProviderAdapter,
  RequestContext,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import { buildAnthropicHeaders } from "./anthropic-headers.ts";
import { anthropicMessagesUrl } from "./anthropic-url.ts";
import { convertRequest, upstreamMaxTokens } from "./convert-request.ts";
import { mapAnthropicError } from "./map-error.ts";
import { parseAnthropicResponse } from "./parse-response.ts";
import { createAnthropicStreamTransformer } from "./stream-transformer.ts";

/**
 * OpenAI request fields Anthropic's Messages API has no equivalent for. With `drop_params`
 * they are removed, otherwise they are a 400 naming them. `n` is not listed because `n: 1` is
 * harmless; `n > 1` is refused (or ignored under drop_params) by convertRequest.
 */
export const ANTHROPIC_UNSUPPORTED_PARAMS = [
  "logprobs",
  "top_logprobs",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "logit_bias",
  "modalities",
  "audio",
  "prediction",
] as const;

export const anthropicChatAdapter: ChatAdapter = {
  buildRequest(ctx: RequestContext): UpstreamRequest {
    const { body } = convertRequest(ctx.request, ctx.deployment);
    return {
      url: anthropicMessagesUrl(ctx.deployment),
      method: "POST",
      headers: buildAnthropicHeaders(ctx.deployment, body.stream === true),
      body: JSON.stringify(body),
    };
  },
  parseResponse: parseAnthropicResponse,
  streamFraming: "sse",
  createStreamTransformer: createAnthropicStreamTransformer,
  maxOutputTokens: (ctx) => upstreamMaxTokens(ctx.request, ctx.deployment),
};

/** Anthropic's Messages API (`anthropic/<model>`), POST {api_base}/v1/messages. */
export const anthropicProvider: ProviderAdapter = {
  id: "anthropic",
  chat: anthropicChatAdapter,
  mapError: mapAnthropicError,
  unsupportedParams: ANTHROPIC_UNSUPPORTED_PARAMS,
};
