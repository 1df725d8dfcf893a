// OpenAI Responses API (`/v1/responses`) served by chat models: pure converters both ways.
export * from "./responses-input-item.ts";
export * from "./responses-request.ts";
export { responsesRequestToChat } from "./responses-request-to-chat.ts";
export { responsesInputToMessages } from "./responses-input-to-messages.ts";
export {
  responsesTextFormatToChat,
  responsesToolChoiceToChat,
  responsesToolsToChat,
} from "./responses-tools-to-chat.ts";
export * from "./response-object.ts";
export { randomResponseIds, type ResponseIds, type ResponseItemKind } from "./response-ids.ts";
export {
  toResponseStatus,
  type ResponseIncompleteDetails,
  type ResponseStatus,
} from "./response-status.ts";
export { toResponsesUsage, type ResponsesUsage } from "./responses-usage.ts";
export { chatCompletionToResponse } from "./chat-completion-to-response.ts";
export { chatCompletionToChunks } from "./chat-completion-to-chunks.ts";
export type * from "./responses-stream-event.ts";
export {
  createResponsesStreamEncoder,
  type ResponsesStreamEncoder,
  type ResponsesStreamError,
} from "./responses-stream-encoder.ts";
export { responsesFormat } from "./responses-format.ts";
