// OpenAI chat completions (`/v1/chat/completions`): the internal format, served as it is.
export {
  chatCompletionsFormat,
  openAIErrorBody,
  SSE_DONE,
  type ChatStreamEvent,
} from "./chat-completions-format.ts";
