import type { FakeReply } from "../fake-server/fake-response.ts";
import { reply, type ReplyOptions } from "../fake-server/reply.ts";

/** Canonical `google.rpc.Code` names by HTTP status, as Google APIs pair them. */
const STATUS_BY_CODE: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export interface GoogleErrorFields {
  message: string;
  /** Defaults to the canonical name for the HTTP code. */
  status?: string;
  /** `google.rpc` detail objects, each with its `@type`. */
  details?: readonly Record<string, unknown>[];
}

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: Record<string, unknown>[] };
}

export function googleErrorBody(code: number, fields: GoogleErrorFields): GoogleErrorBody {
  return {
    error: {
      code,
      message: fields.message,
      status: fields.status ?? STATUS_BY_CODE[code] ?? "UNKNOWN",
      ...(fields.details === undefined ? {} : { details: [...fields.details] }),
    },
  };
}

/**
 * A `google.rpc.Status` error response, pretty-printed with two-space indentation as Google's
 * front ends send it (a client that assumes one-line JSON breaks on the real thing).
 */
export function googleError(
  code: number,
  fields: GoogleErrorFields,
  options: ReplyOptions = {},
): FakeReply {
  return reply(
    [`${JSON.stringify(googleErrorBody(code, fields), null, 2)}\n`],
    { status: code, ...options },
    {
      contentType: "application/json; charset=UTF-8",
      contentLength: true,
      splitWrites: "per-event",
    },
  );
}

export interface GeminiRateLimitOptions extends ReplyOptions {
  /** RetryInfo.retryDelay in seconds (default 34); Gemini sends no retry-after header. */
  retryDelaySeconds?: number;
  model?: string;
}

/** 429 RESOURCE_EXHAUSTED with QuotaFailure, Help and RetryInfo details, as the Gemini API sends. */
export function geminiRateLimitError(options: GeminiRateLimitOptions = {}): FakeReply {
  const { retryDelaySeconds = 34, model = "gemini-2.0-flash", ...replyOptions } = options;
  const metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests";
  return googleError(
    429,
    {
      message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: ${metric}, limit: 10, model: ${model}\nPlease retry in ${retryDelaySeconds}s.`,
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              quotaMetric: metric,
              quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
              quotaDimensions: { location: "global", model },
              quotaValue: "10",
            },
          ],
        },
        {
          "@type": "type.googleapis.com/google.rpc.Help",
          links: [
            {
              description: "Learn more about Gemini API quotas",
              url: "https://ai.google.dev/gemini-api/docs/rate-limits",
            },
          ],
        },
        {
          "@type": "type.googleapis.com/google.rpc.RetryInfo",
          retryDelay: `${retryDelaySeconds}s`,
        },
      ],
    },
    replyOptions,
  );
}

export interface GeminiContextLengthOptions extends ReplyOptions {
  inputTokens?: number;
  maxTokens?: number;
}

/** 400 INVALID_ARGUMENT for a prompt over the model's input limit. */
export function geminiContextLengthError(options: GeminiContextLengthOptions = {}): FakeReply {
  const { inputTokens = 1_581_123, maxTokens = 1_048_576, ...replyOptions } = options;
  return googleError(
    400,
    {
      message: `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${maxTokens}).`,
    },
    replyOptions,
  );
}

/** The Gemini API's answer to a wrong key: 400 (not 401) with ErrorInfo `API_KEY_INVALID`. */
export function geminiInvalidApiKeyError(options: ReplyOptions = {}): FakeReply {
  const message = "API key not valid. Please pass a valid API key.";
  return googleError(
    400,
    {
      message,
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
        { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
      ],
    },
    options,
  );
}

/** The Gemini API's answer to a request without any key: 403 PERMISSION_DENIED. */
export function geminiMissingApiKeyError(options: ReplyOptions = {}): FakeReply {
  return googleError(
    403,
    {
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    },
    options,
  );
}

/** 503 UNAVAILABLE, "The model is overloaded": retryable. */
export function geminiOverloadedError(options: ReplyOptions = {}): FakeReply {
  return googleError(503, { message: "The model is overloaded. Please try again later." }, options);
}

export function geminiInternalError(options: ReplyOptions = {}): FakeReply {
  return googleError(
    500,
    {
      message:
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    },
    options,
  );
}

/** Vertex AI's 401 for a missing or bad OAuth token. */
export function vertexUnauthenticatedError(
  missing: boolean,
  options: ReplyOptions = {},
): FakeReply {
  return googleError(
    401,
    {
      message: `${missing ? "Request is missing required authentication credential" : "Request had invalid authentication credentials"}. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.`,
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: missing ? "CREDENTIALS_MISSING" : "ACCESS_TOKEN_TYPE_UNSUPPORTED",
          domain: "googleapis.com",
          metadata: {
            service: "aiplatform.googleapis.com",
            method: "google.cloud.aiplatform.v1.PredictionService.GenerateContent",
          },
        },
      ],
    },
    options,
  );
}

/** Vertex AI's 403 for a project the token cannot use. */
export function vertexPermissionDeniedError(
  project: string,
  options: ReplyOptions = {},
): FakeReply {
  return googleError(
    403,
    {
      message: `Permission denied on resource project ${project} (or it may not exist).`,
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "CONSUMER_INVALID",
          domain: "googleapis.com",
          metadata: { service: "aiplatform.googleapis.com", consumer: `projects/${project}` },
        },
      ],
    },
    options,
  );
}
