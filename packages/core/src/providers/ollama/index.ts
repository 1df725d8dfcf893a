export {
  ollamaProvider,
  ollamaChatProvider,
  ollamaChatAdapter,
  ollamaEmbeddingAdapter,
  OLLAMA_UNSUPPORTED_PARAMS,
} from "./ollama-provider.ts";
export { ollamaUrl, OLLAMA_DEFAULT_API_BASE } from "./ollama-url.ts";
export { buildOllamaHeaders } from "./ollama-headers.ts";
export { convertRequest as convertOllamaRequest } from "./convert-request.ts";
export { convertMessages as convertOllamaMessages } from "./convert-messages.ts";
export { parseOllamaResponse } from "./parse-response.ts";
export { createOllamaStreamTransformer } from "./stream-transformer.ts";
export { mapOllamaError, readOllamaError } from "./map-error.ts";
export { mapFinishReason as mapOllamaFinishReason } from "./map-finish-reason.ts";
export { ThinkTagSplitter } from "./think-tag-splitter.ts";
export { convertEmbeddingRequest as convertOllamaEmbeddingRequest } from "./convert-embedding-request.ts";
export { parseEmbeddingResponse as parseOllamaEmbeddingResponse } from "./parse-embedding-response.ts";
export type * from "./wire-schemas.ts";
