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
// The wire schemas are Anthropic Messages itself, which formats/messages serves inbound too.
export * from "./wire-schemas.ts";
