import type {
  ChatAdapter,
  EmbeddingAdapter,
  EmbeddingContext,
  ProviderAdapter,
  RequestContext,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import { convertEmbeddingRequest } from "./convert-embedding-request.ts";
import { convertRequest } from "./convert-request.ts";
import { mapOllamaError } from "./map-error.ts";
import { buildOllamaHeaders } from "./ollama-headers.ts";
import { ollamaUrl } from "./ollama-url.ts";
import { parseEmbeddingResponse } from "./parse-embedding-response.ts";
import { parseOllamaResponse } from "./parse-response.ts";
import { createOllamaStreamTransformer } from "./stream-transformer.ts";

/** OpenAI request fields Ollama's native API has no equivalent for (see applyUnsupportedParams). */
export const OLLAMA_UNSUPPORTED_PARAMS = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "modalities",
  "audio",
  "prediction",
  "web_search_options",
] as const;

export const ollamaChatAdapter: ChatAdapter = {
  buildRequest(ctx: RequestContext): UpstreamRequest {
    return {
      url: ollamaUrl(ctx.deployment, "chat"),
      method: "POST",
      headers: buildOllamaHeaders(ctx.deployment),
      body: JSON.stringify(convertRequest(ctx.request, ctx.deployment)),
    };
  },
  parseResponse: parseOllamaResponse,
  streamFraming: "ndjson",
  createStreamTransformer: createOllamaStreamTransformer,
};

export const ollamaEmbeddingAdapter: EmbeddingAdapter = {
  buildRequest(ctx: EmbeddingContext): UpstreamRequest {
    return {
      url: ollamaUrl(ctx.deployment, "embed"),
      method: "POST",
      headers: buildOllamaHeaders(ctx.deployment),
      body: JSON.stringify(convertEmbeddingRequest(ctx.request, ctx.deployment)),
    };
  },
  parseResponse: parseEmbeddingResponse,
};

/**
 * Ollama's native API (`ollama_chat/<model>`): `POST {api_base}/api/chat` (NDJSON stream) and
 * `/api/embed`, default `http://localhost:11434`.
 */
export const ollamaChatProvider: ProviderAdapter = {
  id: "ollama_chat",
  chat: ollamaChatAdapter,
  embeddings: ollamaEmbeddingAdapter,
  mapError: mapOllamaError,
  unsupportedParams: OLLAMA_UNSUPPORTED_PARAMS,
};

/**
 * `ollama/<model>`. LiteLLM still sends `ollama/` chat to `/api/generate` with the messages
 * flattened into one prompt by its own template (and tools emulated with JSON mode); that is
 * history, not a requirement: the same models serve `/api/chat`, where Ollama applies the
 * model's real chat template and native tools, images and thinking work. Both ids therefore
 * use `/api/chat`. An `api_base` ending in `/api/generate` (which LiteLLM accepts) still works.
 */
export const ollamaProvider: ProviderAdapter = { ...ollamaChatProvider, id: "ollama" };
