/**
 * Turns a failed management API answer into words for the page. The API answers errors in
 * LiteLLM's envelope, `{"error": {"message", "type", "param", "code"}}` (some LiteLLM routes use
 * `{"detail": ...}`); anything else (a proxy's HTML page, an empty body) gets a sentence from the
 * HTTP status instead of raw text.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly param?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: "The request was not valid.",
  401: "Your session has ended: sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  409: "That conflicts with something that already exists.",
  413: "The request is too large.",
  429: "Too many requests: try again in a moment.",
  500: "The gateway failed to answer.",
  502: "The gateway could not be reached.",
  503: "The gateway is not available right now.",
};

export function errorFromResponse(status: number, body: unknown): ApiError {
  const envelope = (body ?? {}) as { error?: unknown; detail?: unknown; message?: unknown };
  const inner = (
    typeof envelope.error === "object" && envelope.error !== null ? envelope.error : {}
  ) as {
    message?: unknown;
    param?: unknown;
  };
  const detail = envelope.detail as { error?: unknown } | string | undefined;
  const message =
    text(inner.message) ??
    text(envelope.error) ??
    text(detail) ??
    (typeof detail === "object" ? text(detail?.error) : undefined) ??
    text(envelope.message) ??
    STATUS_WORDS[status] ??
    (status >= 500 ? STATUS_WORDS[500]! : `The request failed (HTTP ${status}).`);
  return new ApiError(message, status, text(inner.param));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, 500) : undefined;
}

/** Words for any error thrown while loading (network failures included). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError)
    return "The gateway could not be reached. Check that it is running.";
  return error instanceof Error ? error.message : String(error);
}
