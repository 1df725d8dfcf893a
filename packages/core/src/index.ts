export * from "./openai/index.ts";
export * from "./errors/gateway-error.ts";
export * from "./errors/redact.ts";
export * from "./provider/adapter.ts";
export * from "./provider/deployment.ts";
export * from "./provider/public-model-fields.ts";
export * from "./provider/model-name.ts";
export * from "./http/header-value.ts";
export * from "./provider/registry.ts";
export * from "./transport/transport.ts";
export * from "./call/call-result.ts";
export * from "./errors/parse-retry-after.ts";
export * from "./errors/error-message-patterns.ts";
export * from "./stream/decoded-read.ts";
export * from "./stream/sse-decoder.ts";
export * from "./stream/ndjson-decoder.ts";
export * from "./stream/decode-stream.ts";
export * from "./stream/aws-eventstream-decoder.ts";
export * from "./transport/undici-transport.ts";
export * from "./transport/response-too-large-error.ts";
export * from "./call/call-chat.ts";
export * from "./call/call-embedding.ts";
export { CallAbort, type AbortLike } from "./call/call-abort.ts";
export {
  mapOpenAIError,
  readOpenAIError,
  type OpenAIErrorDetails,
} from "./providers/openai/map-error.ts";
export { GATEWAY_ONLY_PARAMS } from "./providers/openai/convert-request.ts";
export { bearerAuth, type AuthHeaders } from "./providers/openai/openai-headers.ts";
export * from "./providers/openai/openai-provider.ts";
export * from "./providers/openai-compatible/openai-compatible-provider.ts";
export * from "./providers/mock/mock-provider.ts";
export { createMockTransport } from "./providers/mock/mock-transport.ts";
export {
  DEFAULT_MOCK_TEXT,
  resolveMockOptions,
  type MockOptions,
} from "./providers/mock/mock-options.ts";
export * from "./providers/default-providers.ts";
export * from "./sdk/sdk-call-options.ts";
export * from "./sdk/completion.ts";
export * from "./sdk/embedding.ts";
export * from "./sdk/shared-transport.ts";
export { geminiProvider } from "./providers/gemini/index.ts";
export * as gemini from "./providers/gemini/index.ts";
export { vertexAiProvider } from "./providers/vertex-ai/index.ts";
export * as vertexAi from "./providers/vertex-ai/index.ts";
export { bedrockProvider } from "./providers/bedrock/index.ts";
export * as bedrock from "./providers/bedrock/index.ts";
export { anthropicProvider } from "./providers/anthropic/index.ts";
export * as anthropic from "./providers/anthropic/index.ts";
export * from "./formats/index.ts";
export { cohereProvider } from "./providers/cohere/index.ts";
export * as cohere from "./providers/cohere/index.ts";
export { ollamaProvider, ollamaChatProvider } from "./providers/ollama/index.ts";
export * as ollama from "./providers/ollama/index.ts";
export * from "./catalog/index.ts";
export * from "./tokens/index.ts";
export { azureProvider } from "./providers/azure/index.ts";
export * as azure from "./providers/azure/index.ts";
export { mistralProvider } from "./providers/mistral/index.ts";
export * as mistral from "./providers/mistral/index.ts";
export { openAICompatibleFamily } from "./providers/openai-compatible/family/index.ts";
export * as openaiCompatible from "./providers/openai-compatible/index.ts";
