import {
  AuthenticationError,
  GatewayError,
  type GatewayErrorOptions,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  TimeoutError,
} from "../../errors/gateway-error.ts";
import { parseRetryAfterMs } from "../../errors/parse-retry-after.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  contentPolicyErrorFor,
  contextWindowErrorFor,
  isRequestError,
  mapUpstreamStatus,
  retryHintOptions,
} from "../common/map-upstream-error.ts";
import { GoogleRpcErrorSchema, type GoogleRpcError } from "./wire-schemas.ts";
import { parseJsonBody, unreadableErrorMessage } from "../common/read-error-body.ts";

/** What a `google.rpc.Status` error body says. */
export interface GoogleErrorDetails {
  /** `error.code`: the HTTP status Google meant (useful for errors inside a 200 stream). */
  code: number | undefined;
  message: string;
  /** Canonical code: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE... */
  status: string | undefined;
  /** `google.rpc.RetryInfo.retryDelay` in milliseconds. */
  retryDelayMs: number | undefined;
  /** `google.rpc.ErrorInfo.reason` values (API_KEY_INVALID, SERVICE_DISABLED...). */
  reasons: string[];
}

/**
 * Maps a non-2xx Gemini / Vertex AI answer (wire-formats §5.3) to the error family:
 * - 400 INVALID_ARGUMENT with "exceeds the maximum number of tokens allowed" (or any known
 *   context-length wording) is ContextWindowExceededError;
 * - 400 with ErrorInfo `API_KEY_INVALID` (Gemini's bad-key answer) and 401 UNAUTHENTICATED
 *   (Vertex's bad token) are AuthenticationError;
 * - 403 PERMISSION_DENIED is PermissionDeniedError, 404 NOT_FOUND NotFoundError;
 * - 429 RESOURCE_EXHAUSTED is RateLimitError, with `RetryInfo.retryDelay` ("34s", only in the
 *   body) as retryAfterMs and forwarded to the client as `retry-after` seconds;
 * - 503 UNAVAILABLE ("The model is overloaded") is ServiceUnavailableError, 504
 *   DEADLINE_EXCEEDED TimeoutError, other 5xx UpstreamError: all retryable.
 * The provider's message is kept, through `redactSecrets` with the deployment's credentials.
 */
export function mapGeminiError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  return gatewayErrorFor(
    response.status,
    readGoogleError(response.body, response.status),
    response.headers,
    deployment,
  );
}

/** Maps an error object found inside a 200 stream (`data: {"error": {...}}`). */
export function mapGeminiStreamError(
  payload: GoogleRpcError,
  deployment: ProviderDeployment,
): GatewayError {
  const details = detailsOf(payload);
  const code = details.code;
  const status = code !== undefined && code >= 400 && code <= 599 ? code : 500;
  return gatewayErrorFor(status, details, {}, deployment);
}

/**
 * Reads `{"error": {...}}`, also wrapped in an array (the non-SSE stream endpoint answers a JSON
 * array); any other body (an HTML page from a proxy) becomes a truncated message.
 */
export function readGoogleError(body: string, httpStatus: number): GoogleErrorDetails {
  let parsed = parseJsonBody(body);
  if (Array.isArray(parsed)) parsed = parsed[0];
  const result = GoogleRpcErrorSchema.safeParse(parsed);
  if (result.success) return detailsOf(result.data);
  return {
    code: undefined,
    message: unreadableErrorMessage("Upstream", httpStatus, body),
    status: undefined,
    retryDelayMs: undefined,
    reasons: [],
  };
}

function detailsOf(payload: GoogleRpcError): GoogleErrorDetails {
  const error = payload.error;
  let retryDelayMs: number | undefined;
  const reasons: string[] = [];
  for (const detail of error.details ?? []) {
    const type = detail["@type"] ?? "";
    if (type.endsWith("google.rpc.RetryInfo")) retryDelayMs = parseDuration(detail.retryDelay);
    if (type.endsWith("google.rpc.ErrorInfo") && typeof detail.reason === "string")
      reasons.push(detail.reason);
  }
  return {
    code: error.code,
    message: error.message ?? error.status ?? "Unknown Google API error",
    status: error.status,
    retryDelayMs,
    reasons,
  };
}

/** A protobuf JSON Duration: `"34s"`, `"0.5s"`, `"1.250s"`. */
function parseDuration(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match?.[1] === undefined ? undefined : Math.round(Number.parseFloat(match[1]) * 1000);
}

function gatewayErrorFor(
  status: number,
  details: GoogleErrorDetails,
  headers: Readonly<Record<string, string>>,
  deployment: ProviderDeployment,
): GatewayError {
  const message = redactSecrets(details.message, secretsOf(deployment));
  const options: GatewayErrorOptions = {
    provider: deployment.provider,
    upstreamStatus: status,
    ...retryHintOptions(details.retryDelayMs ?? parseRetryAfterMs(headers)),
  };
  // Google's canonical code (INVALID_ARGUMENT, NOT_FOUND...) is the most precise `code` for a
  // client error; rate limits and server errors keep the family's own codes.
  const withCode: GatewayErrorOptions =
    details.status === undefined ? options : { ...options, code: details.status };
  const classified = `${details.status ?? ""} ${details.message}`;

  if (isRequestError(status)) {
    const overflow = contextWindowErrorFor(classified, message, options);
    if (overflow !== undefined) return overflow;
    if (
      details.reasons.includes("API_KEY_INVALID") ||
      details.status === "UNAUTHENTICATED" ||
      /api key not valid|api key expired/i.test(details.message)
    ) {
      return new AuthenticationError(message, { ...options, code: "invalid_api_key" });
    }
    const refused = contentPolicyErrorFor(classified, message, options);
    if (refused !== undefined) return refused;
  }

  return mapUpstreamStatus(status, message, options, {
    byStatus: {
      400: (text) => new InvalidRequestError(text, withCode),
      403: (text) => new PermissionDeniedError(text, withCode),
      404: (text) => new NotFoundError(text, withCode),
      // DEADLINE_EXCEEDED: Google's own deadline ran out, a timeout rather than a server error.
      504: (text, opts) => new TimeoutError(text, opts),
    },
    otherClientError: (text, _options, code) =>
      new GatewayError(code, "invalid_request_error", text, withCode),
  });
}

/** The deployment's credentials, redacted from messages in case Google echoes them. */
function secretsOf(deployment: ProviderDeployment): string[] {
  const secrets: string[] = [];
  if (deployment.apiKey) secrets.push(deployment.apiKey);
  const credentials = deployment.params.vertex_credentials;
  if (typeof credentials === "string") secrets.push(credentials);
  return secrets;
}
