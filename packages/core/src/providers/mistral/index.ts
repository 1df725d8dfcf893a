export { mistralProvider } from "./mistral-provider.ts";
export { MISTRAL_API_BASE, normalizeMistralApiBase } from "./mistral-url.ts";
export { convertMistralBody, MISTRAL_UNSUPPORTED_PARAMS } from "./convert-request.ts";
export { convertMistralMessages } from "./convert-messages.ts";
export { toMistralToolCallId } from "./tool-call-id.ts";
export { splitMistralContent, type SplitContent } from "./convert-content.ts";
export { toOpenAIToolCall } from "./convert-tool-call.ts";
export { chatCompletionIdFromCmpl as toChatCompletionId } from "../common/openai-ids.ts";
export { createMistralChunkFixer } from "./stream-chunk-fixer.ts";
export { fixMistralCompletion } from "./fix-completion.ts";
export { mapMistralError, readMistralError } from "./map-error.ts";
export { createMistralEmbeddingsAdapter } from "./mistral-embeddings-adapter.ts";
export {
  MistralContentChunkSchema,
  MistralErrorBodySchema,
  MistralTextChunkSchema,
  MistralThinkChunkSchema,
  MistralValidationIssueSchema,
  type MistralContentChunk,
  type MistralValidationIssue,
} from "./wire-schemas.ts";
