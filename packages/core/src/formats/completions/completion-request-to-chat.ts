import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { completionPrompt } from "./completion-prompt.ts";
import type { CompletionRequest } from "./completion-request.ts";

/** OpenAI's default for /v1/completions (chat has none). */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

/** Completions-only fields; every other field has the same name and meaning in chat. */
const COMPLETION_ONLY_FIELDS: ReadonlySet<string> = new Set([
  "prompt",
  "suffix",
  "echo",
  "logprobs",
  "best_of",
  "max_tokens",
]);

/**
 * A completions request as the chat request that serves it: the prompt becomes one user message,
 * `max_tokens` defaults to 16 as on OpenAI, and legacy `logprobs: k` becomes
 * `logprobs: true, top_logprobs: k`. Throws InvalidRequestError for what a chat model cannot do.
 */
export function completionRequestToChat(request: CompletionRequest): ChatCompletionRequest {
  const prompt = completionPrompt(request);
  refuseUnsupported(request);

  const chat: ChatCompletionRequest = {
    model: request.model,
    messages: [{ role: "user", content: prompt }],
  };
  for (const [key, value] of Object.entries(request)) {
    // The translated `messages` win over a stray one in the body, and a "__proto__" key (an
    // own key after JSON.parse) would set the new object's prototype instead of a field.
    if (
      !COMPLETION_ONLY_FIELDS.has(key) &&
      value !== undefined &&
      key !== "model" &&
      key !== "messages" &&
      key !== "__proto__"
    ) {
      chat[key] = value;
    }
  }
  chat.max_tokens = request.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS;
  if (typeof request.logprobs === "number") {
    chat.logprobs = true;
    if (request.logprobs > 0) chat.top_logprobs = request.logprobs;
  }
  return chat;
}

function refuseUnsupported(request: CompletionRequest): void {
  if (request.suffix) {
    throw new InvalidRequestError(
      "suffix is not supported: chat models cannot insert text before a suffix",
      { param: "suffix", code: "unsupported_parameter" },
    );
  }
  if (request.max_tokens === 0) {
    throw new InvalidRequestError("max_tokens must be at least 1", {
      param: "max_tokens",
      code: "invalid_value",
    });
  }
  if (request.echo === true && typeof request.logprobs === "number") {
    throw new InvalidRequestError(
      "echo with logprobs is not supported: chat models return no logprobs for the prompt",
      { param: "logprobs", code: "unsupported_parameter" },
    );
  }
  const n = request.n ?? 1;
  if (typeof request.best_of === "number" && request.best_of !== n) {
    throw new InvalidRequestError(
      "best_of other than n is not supported: chat models do not rank candidate completions",
      { param: "best_of", code: "unsupported_parameter" },
    );
  }
}
