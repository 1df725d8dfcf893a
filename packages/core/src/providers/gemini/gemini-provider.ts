import type { ProviderAdapter } from "../../provider/adapter.ts";
import { createGeminiChatAdapter, type GeminiEndpoint } from "./gemini-chat-adapter.ts";
import { geminiAuthHeaders } from "./gemini-headers.ts";
import { geminiEmbeddingsAdapter } from "./gemini-embeddings-adapter.ts";
import { geminiUrl } from "./gemini-url.ts";
import { mapGeminiError } from "./map-error.ts";
import { GEMINI_UNSUPPORTED_PARAMS } from "./unsupported-params.ts";

/** Google AI Studio: `generativelanguage.googleapis.com/v1beta`, API key in `x-goog-api-key`. */
export const geminiEndpoint: GeminiEndpoint = {
  chatUrl: (deployment, stream) =>
    geminiUrl(deployment, stream ? "streamGenerateContent" : "generateContent"),
  authHeaders: geminiAuthHeaders,
};

/** The Gemini API (LiteLLM provider `gemini`): chat, streaming, tools, images, embeddings. */
export const geminiProvider: ProviderAdapter = {
  id: "gemini",
  chat: createGeminiChatAdapter(geminiEndpoint),
  embeddings: geminiEmbeddingsAdapter,
  mapError: mapGeminiError,
  unsupportedParams: GEMINI_UNSUPPORTED_PARAMS,
};
