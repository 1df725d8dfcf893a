import type { GatewayError, GatewayErrorOptions } from "../../errors/gateway-error.ts";
import { RateLimitError } from "../../errors/gateway-error.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";
import {
  isRequestError,
  mapUpstreamStatus,
  messageErrorFor,
  retryableUpstreamError,
  retryHintFromHeaders,
  shouldRetryOption,
} from "../common/map-upstream-error.ts";
import { parseJsonBody, unreadableErrorMessage } from "../common/read-error-body.ts";

/** What an OpenAI-style error body says, whichever of the family's shapes it came in. */
export interface OpenAIErrorDetails {
  message: string;
  type: string | null;
  param: string | null;
  /** String codes as sent; numeric codes (OpenRouter, old vLLM) as their decimal string. */
  code: string | null;
}

/**
 * Maps a non-2xx answer (or an error payload inside a 200 / a stream) from an OpenAI-compatible
 * upstream to the error family, per docs/provider-wire-formats.md §1.4 and §11.7.
 * The provider's message is kept (clients rely on it) but passed through `redactSecrets`,
 * with the deployment's own key as an extra secret: OpenAI echoes part of a wrong key back.
 */
export function mapOpenAIError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
  provider: string,
): GatewayError {
  const details = readOpenAIError(response.body, response.status);
  const secrets = deployment.apiKey ? [deployment.apiKey] : [];
  const message = redactSecrets(details.message, secrets);
  const status = response.status;
  const shouldRetry = shouldRetryOption(response.headers);

  const options: GatewayErrorOptions = {
    provider,
    upstreamStatus: status,
    param: details.param,
    ...(details.code === null ? {} : { code: details.code }),
    ...retryHintFromHeaders(response.headers),
    ...shouldRetry,
  };
  // The code is part of the classified text: `context_length_exceeded`, `content_filter` and
  // `content_policy_violation` are among the shared patterns.
  const classified = `${details.code ?? ""} ${details.type ?? ""} ${details.message}`;
  if (isRequestError(status)) {
    const byMessage = messageErrorFor(classified, message, options);
    if (byMessage !== undefined) return byMessage;
  }

  return mapUpstreamStatus(status, message, options, {
    byStatus: {
      // `insufficient_quota` is a billing state, not a burst: retrying the same key cannot work.
      429: (text, opts) =>
        new RateLimitError(text, {
          ...opts,
          ...(details.code === "insufficient_quota"
            ? { retryable: shouldRetry.retryable === true }
            : {}),
        }),
      // 409 (lock contention) is retried by the official SDKs, like 5xx; a 503 is a plain
      // upstream error in the OpenAI family (no overloaded signal of its own).
      409: retryableUpstreamError,
      503: retryableUpstreamError,
    },
  });
}

/**
 * Reads `{"error":{message,type,param,code}}`, vLLM's flat `{"object":"error",message,...}`,
 * `{"error":"text"}` (Ollama) or `{"message":"..."}`; any other body becomes the message
 * (truncated: an HTML error page from a proxy is not a useful message).
 */
export function readOpenAIError(body: string, status: number): OpenAIErrorDetails {
  const parsed = parseJsonBody(body);
  if (isRecord(parsed)) {
    const inner = parsed.error;
    const source = isRecord(inner) ? inner : parsed;
    const message =
      typeof inner === "string"
        ? inner
        : typeof source.message === "string"
          ? source.message
          : undefined;
    if (message !== undefined) {
      return {
        message,
        type: typeof source.type === "string" ? source.type : null,
        param: typeof source.param === "string" ? source.param : null,
        code: codeString(source.code),
      };
    }
  }
  return {
    message: unreadableErrorMessage("Upstream", status, body),
    type: null,
    param: null,
    code: null,
  };
}

/**
 * The HTTP status an error payload inside a 200 stands for: OpenRouter and old vLLM put the
 * status in a numeric `code`; otherwise it is a server-side failure.
 */
export function statusOfErrorPayload(payload: Record<string, unknown>): number {
  const inner = isRecord(payload.error) ? payload.error : payload;
  const code = inner.code;
  return typeof code === "number" && code >= 400 && code <= 599 ? code : 500;
}

function codeString(code: unknown): string | null {
  if (typeof code === "string") return code;
  if (typeof code === "number") return String(code);
  return null;
}
