// Anthropic Messages (`/v1/messages`) served by any chat deployment: the format object and its
// converters both ways. The wire schemas are the Anthropic adapter's (`anthropic.*`).
export { messagesFormat } from "./messages-format.ts";
export {
  anthropicRequestToOpenAI,
  type AnthropicRequestToOpenAIOptions,
} from "./anthropic-request-to-openai.ts";
export {
  openAIResponseToAnthropic,
  type AnthropicMessageResponse,
  type AnthropicResponseBlock,
} from "./openai-response-to-anthropic.ts";
export {
  createOpenAIToAnthropicStreamEncoder,
  type AnthropicSseEvent,
  type OpenAIToAnthropicStreamEncoder,
  type OpenAIToAnthropicStreamEncoderOptions,
} from "./openai-to-anthropic-stream-encoder.ts";
export { toAnthropicStopReason, type AnthropicStopReason } from "./to-anthropic-stop-reason.ts";
export { toAnthropicUsage, type AnthropicUsageOut } from "./to-anthropic-usage.ts";
export {
  toAnthropicErrorBody,
  anthropicErrorType,
  type AnthropicErrorResponse,
} from "./to-anthropic-error.ts";
