import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { responsesInputToMessages } from "./responses-input-to-messages.ts";
import type { ResponsesRequest } from "./responses-request.ts";
import {
  responsesTextFormatToChat,
  responsesToolChoiceToChat,
  responsesToolsToChat,
} from "./responses-tools-to-chat.ts";

/**
 * Responses fields this converter consumes. Every other key is copied to the chat request
 * unchanged, so gateway controls (`fallbacks`, `num_retries`, `mock_response`, ...) and
 * provider extras work here as they do on /v1/chat/completions.
 */
const RESPONSES_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "temperature",
  "top_p",
  "max_output_tokens",
  "text",
  "reasoning",
  "stream",
  "stream_options",
  "metadata",
  "user",
  "store",
  "previous_response_id",
  "conversation",
  "background",
  "prompt",
  "include",
  "truncation",
  "top_logprobs",
  "max_tool_calls",
  "context_management",
]);

/**
 * A Responses request as the chat request that serves it. Throws InvalidRequestError for what
 * needs OpenAI's server-side state (stored responses, conversations, background runs, prompt
 * templates): refusing is better than silently answering without the context asked for.
 */
export function responsesRequestToChat(request: ResponsesRequest): ChatCompletionRequest {
  refuseStatefulFeatures(request);
  const messages = responsesInputToMessages(request.input, request.instructions);
  if (messages.length === 0) {
    throw new InvalidRequestError("'input' must contain at least one message", {
      param: "input",
      code: "invalid_value",
    });
  }

  const chat: ChatCompletionRequest = { model: request.model, messages };
  for (const [key, value] of Object.entries(request)) {
    // The translated `messages` win over a stray one in the body, and a "__proto__" key (an
    // own key after JSON.parse) would set the new object's prototype instead of a field.
    if (RESPONSES_FIELDS.has(key) || value === undefined) continue;
    if (key === "messages" || key === "__proto__") continue;
    chat[key] = value;
  }
  if (request.tools && request.tools.length > 0) chat.tools = responsesToolsToChat(request.tools);
  if (request.tool_choice) chat.tool_choice = responsesToolChoiceToChat(request.tool_choice);
  if (typeof request.parallel_tool_calls === "boolean" && chat.tools) {
    chat.parallel_tool_calls = request.parallel_tool_calls;
  }
  if (typeof request.temperature === "number") chat.temperature = request.temperature;
  if (typeof request.top_p === "number") chat.top_p = request.top_p;
  // Chat's max_completion_tokens is the same budget (visible and reasoning tokens).
  if (typeof request.max_output_tokens === "number") {
    chat.max_completion_tokens = request.max_output_tokens;
  }
  const format = request.text?.format;
  if (format && format.type !== "text") chat.response_format = responsesTextFormatToChat(format);
  if (request.text?.verbosity) chat.verbosity = request.text.verbosity;
  if (request.reasoning?.effort) chat.reasoning_effort = request.reasoning.effort;
  if (request.metadata) chat.metadata = request.metadata;
  if (request.user) chat.user = request.user;
  if (request.stream === true) {
    chat.stream = true;
    // response.completed carries usage, so it is always asked for.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

function refuseStatefulFeatures(request: ResponsesRequest): void {
  if (request.previous_response_id) {
    throw unsupported(
      "previous_response_id",
      "previous_response_id is not supported yet: this gateway does not store responses. " +
        "Send the whole conversation in 'input' instead (earlier input items, then the " +
        "previous response's output items).",
    );
  }
  if (request.conversation !== undefined && request.conversation !== null) {
    throw unsupported(
      "conversation",
      "conversation is not supported: this gateway does not store conversations. Send the " +
        "whole conversation in 'input' instead.",
    );
  }
  if (request.background === true) {
    throw unsupported(
      "background",
      "background responses are not supported: this gateway does not store responses",
    );
  }
  if (request.prompt !== undefined && request.prompt !== null) {
    throw unsupported(
      "prompt",
      "prompt templates are not supported: they live in OpenAI's dashboard, not in this gateway",
    );
  }
}

function unsupported(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param, code: "unsupported_parameter" });
}
