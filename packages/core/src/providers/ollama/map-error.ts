import {
  looksLikeContentPolicyError,
  looksLikeContextWindowError,
} from "../../errors/error-message-patterns.ts";
import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  GatewayError,
  type GatewayErrorOptions,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { parseRetryAfterMs } from "../../errors/parse-retry-after.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { OllamaErrorBodySchema } from "./wire-schemas.ts";

/**
 * Ollama's own context-overflow messages (llm/llama_server.go, server/routes.go), which the
 * shared patterns do not all cover: "the prompt is longer than the context length currently
 * available to the model", "the input length exceeds the context length", "input exceeds
 * maximum context length and cannot be truncated further".
 */
const OLLAMA_CONTEXT_PATTERNS = [/longer than the context length/i, /exceeds the context length/i];

/** Reads `{"error": "..."}`; any other body (gin's text 404 page, a proxy page) is the message. */
export function readOllamaError(body: string, status: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const result = OllamaErrorBodySchema.safeParse(parsed);
  if (result.success) return result.data.error;
  const text = body.trim();
  return text === ""
    ? `Ollama returned HTTP ${status}`
    : `Ollama returned HTTP ${status}: ${text.slice(0, 500)}`;
}

/**
 * Maps a non-2xx Ollama answer (or an `{"error": ...}` line in a stream) to the error family
 * (docs/api/errors.mdx): 400 bad request (context overflow recognised by message), 401/403 for
 * ollama.com models, 404 model not found (`model 'x' not found`, or `..., try pulling it
 * first` on older builds), 429 rate limit, 500 model failures and 502 unreachable cloud models
 * (retryable: another deployment may work).
 */
export function mapOllamaError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const status = response.status;
  const provider = deployment.provider;
  const raw = readOllamaError(response.body, status);
  const message = redactSecrets(raw, deployment.apiKey ? [deployment.apiKey] : []);
  const retryAfterMs = parseRetryAfterMs(response.headers);
  const options: GatewayErrorOptions = {
    provider,
    upstreamStatus: status,
    ...(retryAfterMs === undefined
      ? {}
      : {
          retryAfterMs,
          headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
        }),
  };

  // Context overflow arrives as 400 before the answer starts, or as a 500 line mid-stream.
  if (status !== 429 && status !== 401 && status !== 403 && status !== 404) {
    if (looksLikeContextWindowError(raw) || OLLAMA_CONTEXT_PATTERNS.some((p) => p.test(raw))) {
      return new ContextWindowExceededError(message, options);
    }
  }
  if (status === 400 && looksLikeContentPolicyError(raw)) {
    return new ContentPolicyError(message, options);
  }

  switch (status) {
    case 400:
      return new InvalidRequestError(message, options);
    case 401:
      return new AuthenticationError(message, options);
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, { code: "model_not_found", ...options });
    case 408:
      return new TimeoutError(message, options);
    case 413:
      return new RequestTooLargeError(message, options);
    case 429:
      return new RateLimitError(message, options);
    case 503:
      return new ServiceUnavailableError(message, options);
  }
  if (status >= 500) return new UpstreamError(message, { retryable: true, ...options, status });
  if (status >= 400) return new GatewayError(status, "invalid_request_error", message, options);
  return new UpstreamError(message, { retryable: true, ...options, status: 502 });
}
