export { geminiProvider, geminiEndpoint } from "./gemini-provider.ts";
export {
  createGeminiChatAdapter,
  geminiHeaders,
  type GeminiEndpoint,
  type SyncChatAdapter as GeminiChatAdapter,
} from "./gemini-chat-adapter.ts";
export { geminiEmbeddingsAdapter } from "./gemini-embeddings-adapter.ts";
export { geminiUrl, GEMINI_API_BASE, GEMINI_API_VERSION, type GeminiMethod } from "./gemini-url.ts";
export { convertRequest as convertGeminiRequest } from "./convert-request.ts";
export { parseResponse as parseGeminiResponse } from "./parse-response.ts";
export { createStreamTransformer as createGeminiStreamTransformer } from "./stream-transformer.ts";
export {
  mapGeminiError,
  mapGeminiStreamError,
  readGoogleError,
  type GoogleErrorDetails,
} from "./map-error.ts";
export { convertJsonSchema as convertJsonSchemaForGemini } from "./convert-json-schema.ts";
export { GEMINI_UNSUPPORTED_PARAMS } from "./unsupported-params.ts";
export { THOUGHT_SIGNATURE_SEPARATOR, SKIP_THOUGHT_SIGNATURE } from "./tool-call-id.ts";
export type {
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerateContentResponse,
  GeminiPart,
  GoogleRpcError,
} from "./wire-schemas.ts";
