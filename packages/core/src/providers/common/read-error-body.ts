/**
 * Reading an upstream's error body, the part every provider's `map-error.ts` starts with: the
 * body may be JSON in the provider's shape, or anything else (an HTML page from a proxy, text).
 */

/** The body as JSON, or undefined when it is not JSON. */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The message for an error body in no known shape: the status and the start of the body,
 * truncated (a whole HTML error page is not a useful message).
 */
export function unreadableErrorMessage(who: string, status: number, body: string): string {
  const text = body.trim();
  return text === ""
    ? `${who} returned HTTP ${status}`
    : `${who} returned HTTP ${status}: ${text.slice(0, 500)}`;
}
