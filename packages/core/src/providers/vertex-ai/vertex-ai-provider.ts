import type { ProviderAdapter } from "../../provider/adapter.ts";
import { createGeminiChatAdapter, type GeminiEndpoint } from "../gemini/gemini-chat-adapter.ts";
import { mapGeminiError } from "../gemini/map-error.ts";
import { GEMINI_UNSUPPORTED_PARAMS } from "../gemini/unsupported-params.ts";
import { vertexAuthHeaders } from "./vertex-ai-headers.ts";
import { vertexUrl } from "./vertex-ai-url.ts";

/** Vertex AI differs from the Gemini API only in URL and credentials. */
export const vertexEndpoint: GeminiEndpoint = {
  chatUrl: (deployment, stream) =>
    vertexUrl(deployment, stream ? "streamGenerateContent" : "generateContent"),
  authHeaders: vertexAuthHeaders,
};

/**
 * Gemini models on Vertex AI (LiteLLM provider `vertex_ai`), reusing the Gemini adapter's
 * request conversion, parsing, stream transformer and error mapping. Google-published models
 * only (`publishers/google`); embeddings (`:predict`) are not implemented.
 */
export const vertexAiProvider: ProviderAdapter = {
  id: "vertex_ai",
  chat: createGeminiChatAdapter(vertexEndpoint),
  mapError: mapGeminiError,
  unsupportedParams: GEMINI_UNSUPPORTED_PARAMS,
};
