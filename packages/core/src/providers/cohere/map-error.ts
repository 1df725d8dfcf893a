import {
  type GatewayError,
  type GatewayErrorOptions,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  billingError,
  mapUpstreamStatus,
  messageErrorFor,
  retryHintFromHeaders,
} from "../common/map-upstream-error.ts";
import { CohereErrorBodySchema } from "./wire-schemas.ts";
import { parseJsonBody, unreadableErrorMessage } from "../common/read-error-body.ts";

/** Reads `{"message": "..."}`; any other body becomes the message, truncated. */
export function readCohereError(body: string, status: number): string {
  const parsed = parseJsonBody(body);
  const result = CohereErrorBodySchema.safeParse(parsed);
  if (result.success) return result.data.message;
  return unreadableErrorMessage("Cohere", status, body);
}

/**
 * Maps a non-2xx Cohere answer (or a mid-stream failure) to the error family, per Cohere's
 * "Errors" reference: 400 bad request ("too many tokens: ..." is a context overflow), 401 and
 * 498 (invalid token) authentication, 402 billing limit reached (not retryable), 404 unknown
 * model, 429 rate limit (trial keys included), 499 request cancelled, 5xx server errors
 * (retryable; 503 is a retryable 503).
 */
export function mapCohereError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const status = response.status;
  const raw = readCohereError(response.body, status);
  const message = redactSecrets(raw, deployment.apiKey ? [deployment.apiKey] : []);
  const options: GatewayErrorOptions = {
    provider: "cohere",
    upstreamStatus: status,
    ...retryHintFromHeaders(response.headers, { minSeconds: 1 }),
  };

  if (status === 400 || status === 413 || status === 422) {
    const byMessage = messageErrorFor(raw, message, options);
    if (byMessage !== undefined) return byMessage;
  }
  return mapUpstreamStatus(status, message, options, { byStatus: COHERE_STATUSES });
}

/** Where Cohere differs from the shared table. */
const COHERE_STATUSES = {
  402: billingError,
  // 498: Cohere's "invalid token".
  498: (message: string, options: GatewayErrorOptions) => mapUpstreamStatus(401, message, options),
  // Cohere cancelled the request on its side ("request cancelled"); another try can work.
  499: (message: string, options: GatewayErrorOptions) =>
    new UpstreamError(message, { ...options, status: 502, retryable: true }),
  501: (message: string, options: GatewayErrorOptions) =>
    new UpstreamError(message, { ...options, status: 501, retryable: false }),
};
