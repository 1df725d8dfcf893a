import {
  AuthenticationError,
  type GatewayError,
  type GatewayErrorOptions,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  contextWindowErrorFor,
  mapUpstreamStatus,
  messageErrorFor,
  retryHintFromHeaders,
} from "../common/map-upstream-error.ts";
import { bedrockSecrets } from "./bedrock-headers.ts";
import { BedrockErrorBodySchema } from "./wire-schemas.ts";

const PROVIDER = "bedrock";

/** AWS-wide auth failures (bad key, bad signature, expired session token), sent as 403. */
const CREDENTIAL_ERRORS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
  "MissingAuthenticationTokenException",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
]);

/**
 * Maps a Bedrock error answer to the typed error family. AWS names the error in the
 * `x-amzn-errortype` header (`ThrottlingException:http://internal.amazon.com/coral/...`), or
 * in the body's `__type`; the body carries `message` (sometimes `Message`).
 * Statuses per the bedrock-runtime model: 400 Validation / ServiceQuotaExceeded, 403
 * AccessDenied, 404 ResourceNotFound, 408 ModelTimeout, 424 ModelError / ModelStreamError, 429
 * Throttling / ModelNotReady, 500 InternalServer, 503 ServiceUnavailable.
 */
export function mapBedrockError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const { errorType, message } = readError(response);
  const text = redactSecrets(
    errorType === undefined ? message : `${errorType}: ${message}`,
    bedrockSecrets(deployment),
  );
  const status = response.status;
  // AWS SDKs read the hint themselves; it is not forwarded as a header.
  const options: GatewayErrorOptions = {
    provider: PROVIDER,
    upstreamStatus: status,
    ...retryHintFromHeaders(response.headers, { forward: false }),
  };

  if (errorType !== undefined && CREDENTIAL_ERRORS.has(errorType)) {
    return new AuthenticationError(text, options);
  }
  switch (errorType) {
    case "ThrottlingException":
    case "ServiceQuotaExceededException":
      return new RateLimitError(text, options);
    case "ModelNotReadyException":
    case "ServiceUnavailableException":
      return new ServiceUnavailableError(text, options);
    case "ModelTimeoutException":
      return new TimeoutError(text, options);
    case "AccessDeniedException":
      return new PermissionDeniedError(text, options);
    case "ResourceNotFoundException":
      return new NotFoundError(text, options);
    case "InternalServerException":
    case "ModelErrorException":
    case "ModelStreamErrorException":
      return upstream(text, status, options, message);
  }

  if (status === 400 || status === 422 || errorType === "ValidationException") {
    return messageErrorFor(message, text, options) ?? new InvalidRequestError(text, options);
  }
  // A 403 about the security token or signature is a credential problem, not a missing grant.
  if (status === 403 && /security token|signature/i.test(message)) {
    return new AuthenticationError(text, options);
  }
  // A 503 is the shared table's ServiceUnavailableError; other 5xx may wrap a context overflow.
  if (status >= 500 && status !== 503) return upstream(text, status, options, message);
  // Bedrock's other answers (402, 409, ...) are invalid requests whatever their status.
  if (status < 400) return new InvalidRequestError(text, options);
  return mapUpstreamStatus(status, text, options, {
    otherClientError: (errorText, errorOptions) => new InvalidRequestError(errorText, errorOptions),
  });
}

/** HTTP status of each ConverseStream exception frame, from the bedrock-runtime model. */
const STREAM_EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  internalServerException: 500,
  modelStreamErrorException: 424,
  validationException: 400,
  throttlingException: 429,
  serviceUnavailableException: 503,
  modelTimeoutException: 408,
};

/** True for an event-stream frame that reports an error instead of carrying an event. */
export function isStreamException(eventName: string | undefined): boolean {
  if (eventName === undefined) return false;
  // The decoder names an exception frame without `:exception-type` plain "exception".
  return eventName === "error" || /exception$/i.test(eventName);
}

/**
 * Maps an exception frame of ConverseStream (`:exception-type` throttlingException, ...; payload
 * `{"message": ...}`) through the same rules as an HTTP error, so a throttle mid-stream is the
 * same RateLimitError as a throttle before it. A protocol `error` frame (`{code, message}`)
 * becomes a retryable UpstreamError.
 */
export function mapStreamException(
  eventName: string,
  data: string,
  deployment: ProviderDeployment,
): GatewayError {
  if (eventName === "error") {
    const { message, code } = parseProtocolError(data);
    return new UpstreamError(
      redactSecrets(`Bedrock stream error ${code}: ${message}`, bedrockSecrets(deployment)),
      { provider: PROVIDER },
    );
  }
  const status = STREAM_EXCEPTION_STATUS[eventName] ?? 500;
  const errorType = eventName.charAt(0).toUpperCase() + eventName.slice(1);
  return mapBedrockError(
    { status, headers: { "x-amzn-errortype": errorType }, body: data },
    deployment,
  );
}

function upstream(
  text: string,
  status: number,
  options: GatewayErrorOptions,
  message: string,
): GatewayError {
  // A model error wrapping "prompt too long" is still a context-window error.
  return (
    contextWindowErrorFor(message, text, options) ??
    new UpstreamError(text, { ...options, status: status >= 500 ? status : 502 })
  );
}

function readError(response: UpstreamResponse): { errorType?: string; message: string } {
  let parsed: ReturnType<typeof BedrockErrorBodySchema.safeParse> | undefined;
  try {
    parsed = BedrockErrorBodySchema.safeParse(JSON.parse(response.body));
  } catch {
    parsed = undefined;
  }
  const body = parsed?.success ? parsed.data : undefined;
  const header = response.headers["x-amzn-errortype"];
  const rawType = header?.split(":")[0] ?? body?.__type?.split("#").pop();
  const errorType = rawType === undefined || rawType.trim() === "" ? undefined : rawType.trim();
  let message = body?.message ?? body?.Message;
  if (body?.originalMessage !== undefined) {
    message = message === undefined ? body.originalMessage : `${message} (${body.originalMessage})`;
  }
  if (message === undefined) {
    const raw = response.body.trim();
    message = raw === "" ? `Bedrock returned HTTP ${response.status}` : raw.slice(0, 1000);
  }
  return errorType === undefined ? { message } : { errorType, message };
}

function parseProtocolError(data: string): { code: string; message: string } {
  try {
    const value = JSON.parse(data) as { code?: unknown; message?: unknown };
    return {
      code: typeof value.code === "string" ? value.code : "UnknownError",
      message: typeof value.message === "string" ? value.message : "",
    };
  } catch {
    return { code: "UnknownError", message: data };
  }
}
