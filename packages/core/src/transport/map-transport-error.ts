import type { AbortLike } from "../call/call-abort.ts";
import { GatewayError, TimeoutError, UpstreamError } from "../errors/gateway-error.ts";

/** Socket-level failures: nothing (or not all) reached the upstream, so another try may work. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
  "UND_ERR_ABORTED",
]);

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Turns whatever the HTTP client threw into the error family. An abort through the caller's
 * signal is not an upstream failure: it rethrows the signal's reason untouched, so a
 * TimeoutError the caller aborted with, or the client's AbortError, comes out as it went in.
 *
 * Messages name the origin only: a full URL may carry a key in its query (Gemini `?key=`).
 */
export function mapTransportError(error: unknown, origin: string, signal?: AbortLike): unknown {
  if (signal?.aborted) return signal.reason ?? abortError();
  if (error instanceof GatewayError) return error;
  const code = errorCode(error);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    const what =
      code === "UND_ERR_CONNECT_TIMEOUT"
        ? "connecting to"
        : code === "UND_ERR_HEADERS_TIMEOUT"
          ? "waiting for response headers from"
          : "waiting for the response body from";
    return new TimeoutError(`Timed out ${what} ${origin}`, { cause: error });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new UpstreamError(`Connection to ${origin} failed (${code})`, {
      code: "upstream_connection_error",
      cause: error,
    });
  }
  return new UpstreamError(`Request to ${origin} failed: ${detail}`, { cause: error });
}

export function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

/**
 * Node reports a refused connection to a host with several addresses (localhost: ::1 and
 * 127.0.0.1) as an AggregateError whose own `code` may be missing; the first inner error has it.
 */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) return errorCode(inner[0]);
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}
