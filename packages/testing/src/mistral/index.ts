// Fake Mistral API, plus builders for scripted answers and Mistral's errors.
export { startFakeMistral, type FakeMistralOptions } from "./fake-mistral.ts";
export {
  mistralChatResponder,
  type MistralChatResponderOptions,
} from "./mistral-chat-responder.ts";
export { mistralEmbeddingsResponder } from "./mistral-embeddings-responder.ts";
export {
  mistralCompletion,
  mistralUsage,
  type MistralCompletionSpec,
  type MistralToolCallSpec,
  type MistralUsageSpec,
} from "./mistral-completion.ts";
export { mistralChunks, type MistralChunksSpec } from "./mistral-chunks.ts";
export {
  extraForbidden,
  mistralContextLengthError,
  mistralError,
  mistralRateLimitError,
  mistralToolCallIdError,
  mistralUnauthorizedError,
  mistralValidationError,
  type MistralValidationIssue,
} from "./mistral-error.ts";
export { validateMistralChatBody, validateMistralEmbeddingBody } from "./validate-mistral-body.ts";
export { mistralCompletionId, mistralRequestId, mistralToolCallId } from "./mistral-ids.ts";
