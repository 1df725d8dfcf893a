export { OPENAI_API_BASE, openaiProvider } from "./openai-provider.ts";
export { createOpenAIChatAdapter, type OpenAIChatAdapterConfig } from "./openai-chat-adapter.ts";
export { createOpenAIEmbeddingsAdapter } from "./openai-embeddings-adapter.ts";
export { buildOpenAIBody, clientAskedForUsage, GATEWAY_ONLY_PARAMS } from "./convert-request.ts";
export { bearerAuth, buildOpenAIHeaders, type AuthHeaders } from "./openai-headers.ts";
export {
  mapOpenAIError,
  readOpenAIError,
  statusOfErrorPayload,
  type OpenAIErrorDetails,
} from "./map-error.ts";
