import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { openaiRequestId } from "./openai-ids.ts";

export interface OpenAIErrorFields {
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

export interface OpenAIErrorOptions extends OpenAIErrorFields {
  headers?: Readonly<Record<string, string>>;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const DEFAULTS: Record<number, Required<OpenAIErrorFields>> = {
  400: { message: "Invalid request.", type: "invalid_request_error", param: null, code: null },
  401: {
    message:
      "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    param: null,
    code: "invalid_api_key",
  },
  403: {
    message: "Country, region, or territory not supported",
    type: "request_forbidden",
    param: null,
    code: "unsupported_country_region_territory",
  },
  404: {
    message: "The requested resource was not found.",
    type: "invalid_request_error",
    param: null,
    code: null,
  },
  429: {
    message: "Rate limit reached for requests. Please try again later.",
    type: "requests",
    param: null,
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    param: null,
    code: null,
  },
  503: {
    message: "The engine is currently overloaded, please try again later",
    type: "server_error",
    param: null,
    code: null,
  },
};

/**
 * The `{"error":{message,type,param,code}}` envelope, keys in OpenAI's order. Also what a test
 * puts in a `data:` event for a mid-stream error.
 */
export function openaiErrorBody(status: number, fields: OpenAIErrorFields = {}): OpenAIErrorBody {
  const base = DEFAULTS[status] ?? {
    message: `Request failed with status ${status}.`,
    type: status >= 500 ? "server_error" : "invalid_request_error",
    param: null,
    code: null,
  };
  return {
    error: {
      message: fields.message ?? base.message,
      type: fields.type ?? base.type,
      param: fields.param === undefined ? base.param : fields.param,
      code: fields.code === undefined ? base.code : fields.code,
    },
  };
}

/** An error response exactly as OpenAI sends it, with an `x-request-id`. */
export function openaiError(status: number, options: OpenAIErrorOptions = {}): FakeReply {
  const { headers, ...fields } = options;
  return json(openaiErrorBody(status, fields), {
    status,
    headers: { "x-request-id": openaiRequestId(), ...headers },
  });
}

export interface OpenAIRateLimitOptions {
  /** Sent verbatim as `retry-after` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  retryAfterMs?: number;
  /** Which limit was hit; OpenAI puts it in `type`. Defaults to `"requests"`. */
  limit?: "requests" | "tokens";
  message?: string;
}

/** 429 `rate_limit_exceeded` with the retry hints and exhausted rate-limit headers. */
export function openaiRateLimitError(options: OpenAIRateLimitOptions = {}): FakeReply {
  const limit = options.limit ?? "requests";
  const headers: Record<string, string> = { [`x-ratelimit-remaining-${limit}`]: "0" };
  if (options.retryAfter !== undefined) headers["retry-after"] = String(options.retryAfter);
  if (options.retryAfterMs !== undefined) headers["retry-after-ms"] = String(options.retryAfterMs);
  return openaiError(429, {
    message:
      options.message ??
      `Rate limit reached for ${limit}. Please try again in ${options.retryAfter ?? 1}s.`,
    type: limit,
    code: "rate_limit_exceeded",
    headers,
  });
}

export interface OpenAIContextLengthOptions {
  maxTokens?: number;
  requestedTokens?: number;
}

/** 400 `context_length_exceeded` with OpenAI's message, which gateways match on. */
export function openaiContextLengthError(options: OpenAIContextLengthOptions = {}): FakeReply {
  const max = options.maxTokens ?? 128_000;
  const requested = options.requestedTokens ?? 130_512;
  return openaiError(400, {
    message: `This model's maximum context length is ${max} tokens. However, your messages resulted in ${requested} tokens. Please reduce the length of the messages.`,
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
  });
}
