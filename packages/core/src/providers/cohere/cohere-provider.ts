import type {
  ChatAdapter,
  EmbeddingAdapter,
  EmbeddingContext,
  ProviderAdapter,
  RequestContext,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import { buildCohereHeaders } from "./cohere-headers.ts";
import { cohereUrl } from "./cohere-url.ts";
import { convertEmbeddingRequest } from "./convert-embedding-request.ts";
import { convertRequest } from "./convert-request.ts";
import { mapCohereError } from "./map-error.ts";
import { parseEmbeddingResponse } from "./parse-embedding-response.ts";
import { parseCohereResponse } from "./parse-response.ts";
import { createCohereStreamTransformer } from "./stream-transformer.ts";

/**
 * OpenAI request fields Cohere v2 has no equivalent for: with `drop_params` they are removed,
 * otherwise they are a 400 naming them. (`n > 1` is refused by convertRequest; Cohere's own
 * `logprobs` is not mapped back to OpenAI's shape, so it is listed too.)
 */
export const COHERE_UNSUPPORTED_PARAMS = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "modalities",
  "audio",
  "prediction",
  "web_search_options",
] as const;

export const cohereChatAdapter: ChatAdapter = {
  buildRequest(ctx: RequestContext): UpstreamRequest {
    const body = convertRequest(ctx.request, ctx.deployment);
    return {
      url: cohereUrl(ctx.deployment, "chat"),
      method: "POST",
      headers: buildCohereHeaders(
        ctx.deployment,
        body.stream ? "text/event-stream" : "application/json",
      ),
      body: JSON.stringify(body),
    };
  },
  parseResponse: parseCohereResponse,
  streamFraming: "sse",
  createStreamTransformer: createCohereStreamTransformer,
};

export const cohereEmbeddingAdapter: EmbeddingAdapter = {
  buildRequest(ctx: EmbeddingContext): UpstreamRequest {
    return {
      url: cohereUrl(ctx.deployment, "embed"),
      method: "POST",
      headers: buildCohereHeaders(ctx.deployment, "application/json"),
      body: JSON.stringify(convertEmbeddingRequest(ctx.request, ctx.deployment)),
    };
  },
  parseResponse: parseEmbeddingResponse,
};

/**
 * Cohere's v2 API (`cohere/<model>`): `POST {api_base}/v2/chat` and `/v2/embed` with
 * `Authorization: Bearer <key>`. LiteLLM also routes `cohere_chat/` here (register it as an
 * alias) and reads the key from `COHERE_API_KEY` or `CO_API_KEY` when the deployment has none:
 * that lookup is the app's job.
 */
export const cohereProvider: ProviderAdapter = {
  id: "cohere",
  chat: cohereChatAdapter,
  embeddings: cohereEmbeddingAdapter,
  mapError: mapCohereError,
  unsupportedParams: COHERE_UNSUPPORTED_PARAMS,
};
