export {
  anthropicProvider,
  anthropicChatAdapter,
  ANTHROPIC_UNSUPPORTED_PARAMS,
} from "./anthropic-provider.ts";
export { anthropicMessagesUrl, ANTHROPIC_DEFAULT_API_BASE } from "./anthropic-url.ts";
export { buildAnthropicHeaders, ANTHROPIC_VERSION } from "./anthropic-headers.ts";
export { convertRequest, type ConvertedRequest } from "./convert-request.ts";
export { parseAnthropicResponse } from "./parse-response.ts";
export { createAnthropicStreamTransformer } from "./stream-transformer.ts";
export { mapAnthropicError, readAnthropicError, statusForErrorType } from "./map-error.ts";
export { mapFinishReason } from "./map-finish-reason.ts";
export { convertUsage } from "./convert-usage.ts";
export { defaultMaxTokens, parseClaudeModel, supportsAdaptiveThinking } from "./claude-models.ts";
export { JSON_MODE_TOOL_NAME } from "./json-mode.ts";
// The other direction, for the gateway's Anthropic-format `/v1/messages` route.
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
export * from "./wire-schemas.ts";
export {
  toAnthropicErrorBody,
  anthropicErrorType,
  type AnthropicErrorResponse,
} from "./to-anthropic-error.ts";
