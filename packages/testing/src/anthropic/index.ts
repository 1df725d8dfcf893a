// Fake Anthropic Messages API upstream, plus builders for scripted answers, streams and errors.
export { startFakeAnthropic, type FakeAnthropicOptions } from "./fake-anthropic.ts";
export { messagesResponder, type MessagesResponderOptions } from "./messages-responder.ts";
export { countTokensResponder } from "./count-tokens-responder.ts";
export { anthropicAuth } from "./anthropic-auth.ts";
export {
  anthropicMessage,
  anthropicBlocks,
  ANTHROPIC_DEFAULT_MODEL,
  FAKE_SIGNATURE,
  type AnthropicBlock,
  type AnthropicMessageSpec,
  type AnthropicToolUseSpec,
} from "./anthropic-message.ts";
export { anthropicStreamEvents, type AnthropicStreamSpec } from "./anthropic-events.ts";
export {
  anthropicUsage,
  type AnthropicUsageBody,
  type AnthropicUsageSpec,
} from "./anthropic-usage.ts";
export {
  anthropicError,
  anthropicErrorBody,
  anthropicRateLimitError,
  anthropicOverloadedError,
  anthropicContextLengthError,
  anthropicStreamErrorEvent,
  ANTHROPIC_ERROR_TYPES,
  type AnthropicErrorBody,
  type AnthropicErrorOptions,
  type AnthropicRetryOptions,
  type AnthropicContextLengthOptions,
} from "./anthropic-error.ts";
export { anthropicMessageId, anthropicToolUseId, anthropicRequestId } from "./anthropic-ids.ts";
export { validateMessagesBody, type ValidationLimits } from "./validate-messages-body.ts";
