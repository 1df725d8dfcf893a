// Fake-upstream framework: a recording HTTP server whose responses are scripted as data.
export type { RecordedRequest } from "./fake-server/recorded-request.ts";
export type {
  EndWith,
  FakeDestroy,
  FakeHang,
  FakeReply,
  FakeResponse,
  SplitWrites,
} from "./fake-server/fake-response.ts";
export type { Responder, ResponderContext, ResponderLike } from "./fake-server/responder.ts";
export {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "./fake-server/start-fake-server.ts";
export { routes } from "./fake-server/routes.ts";
export { splitWrites } from "./fake-server/split-writes.ts";

// Response builders.
export { reply, type ReplyDefaults, type ReplyOptions } from "./fake-server/reply.ts";
export { json } from "./fake-server/json.ts";
export { rawBody } from "./fake-server/raw-body.ts";
export { sse } from "./fake-server/sse.ts";
export { sseEvent, type SseEventFields } from "./fake-server/sse-event.ts";
export { ndjson } from "./fake-server/ndjson.ts";
export { binaryStream, type BinaryStreamOptions } from "./fake-server/binary-stream.ts";
export { hang } from "./fake-server/hang.ts";
export { destroySocket } from "./fake-server/destroy-socket.ts";
export { delay } from "./fake-server/delay.ts";

// The real PostgreSQL / Redis of integration tests, from TEST_DATABASE_URL / TEST_REDIS_URL.
export { testServices, type TestServices } from "./test-services/test-services.ts";

// A bare node:http client for byte-level assertions.
export { rawRequest, type RawRequestOptions, type RawResponse } from "./http-client/raw-request.ts";

// OpenAI (and OpenAI-compatible) fake.
export { startFakeOpenAI, type FakeOpenAIOptions } from "./openai/fake-openai.ts";
export { openaiCompletion, type OpenAICompletionSpec } from "./openai/openai-completion.ts";
export { openaiChunks, type OpenAIChunksSpec } from "./openai/openai-chunks.ts";
export type { OpenAIToolCallSpec } from "./openai/openai-tool-call.ts";
export { openaiUsage, type OpenAIUsageDetails } from "./openai/openai-usage.ts";
export {
  openaiContextLengthError,
  openaiError,
  openaiErrorBody,
  openaiRateLimitError,
  type OpenAIContextLengthOptions,
  type OpenAIErrorBody,
  type OpenAIErrorFields,
  type OpenAIErrorOptions,
  type OpenAIRateLimitOptions,
} from "./openai/openai-error.ts";
export { openaiBearerAuth } from "./openai/openai-bearer-auth.ts";
export { embeddingToBase64, fakeEmbedding } from "./openai/fake-embedding.ts";
export { fakeTokenCount, fakeTokenPieces } from "./openai/fake-tokens.ts";
export { OPENAI_DEFAULTS } from "./openai/openai-defaults.ts";
export { DEFAULT_FAKE_MODELS } from "./openai/models-responder.ts";
export * from "./gemini/index.ts";
export * from "./bedrock/index.ts";
export * from "./anthropic/index.ts";
export * from "./cohere/index.ts";
export * from "./ollama/index.ts";
export * from "./azure/index.ts";
export * from "./mistral/index.ts";
export * from "./openai-compatible/index.ts";
export * from "./qdrant/index.ts";
