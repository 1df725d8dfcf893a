// OpenAI legacy Completions (`/v1/completions`) served by chat models: pure converters both ways.
export { CompletionRequestSchema, type CompletionRequest } from "./completion-request.ts";
export { completionPrompt } from "./completion-prompt.ts";
export {
  completionRequestToChat,
  DEFAULT_COMPLETION_MAX_TOKENS,
} from "./completion-request-to-chat.ts";
export { chatCompletionToTextCompletion } from "./chat-completion-to-text-completion.ts";
export {
  createCompletionStreamEncoder,
  type CompletionStreamEncoder,
} from "./completion-stream-encoder.ts";
export { toCompletionLogprobs } from "./completion-logprobs.ts";
export { toCompletionFinishReason } from "./completion-finish-reason.ts";
export { toCompletionId } from "./completion-id.ts";
export type * from "./text-completion.ts";
export { completionsFormat, type CompletionStreamEvent } from "./completions-format.ts";
