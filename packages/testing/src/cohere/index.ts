// Fake Cohere v2 API (chat + embed), plus builders for scripted answers and errors.
export { startFakeCohere, type FakeCohereOptions } from "./fake-cohere.ts";
export {
  chatResponder as cohereChatResponder,
  type CohereChatResponderOptions,
} from "./chat-responder.ts";
export { embedResponder as cohereEmbedResponder } from "./embed-responder.ts";
export type { CohereAnswerSpec, CohereToolCallSpec } from "./cohere-answer.ts";
export { cohereChatResponse } from "./cohere-response.ts";
export {
  cohereChatStream,
  cohereEvent,
  cohereSse,
  cohereStreamError,
  cohereStreamEvents,
} from "./cohere-stream.ts";
export { cohereUsage, COHERE_PREAMBLE_TOKENS, type CohereUsage } from "./cohere-usage.ts";
export {
  cohereContextLengthError,
  cohereError,
  cohereErrorBody,
  cohereInternalError,
  cohereModelNotFoundError,
  cohereRateLimitError,
  cohereTrialKeyRateLimitError,
  type CohereErrorBody,
  type CohereErrorOptions,
} from "./cohere-error.ts";
export { cohereBearerAuth } from "./cohere-auth.ts";
export { cohereGenerationId, cohereToolCallId } from "./cohere-ids.ts";
