/**
 * Reads an upstream's retry hint from response headers, in milliseconds.
 *
 * Order follows the official OpenAI and Anthropic SDKs: `retry-after-ms` (Azure) first, then
 * `retry-after` as seconds or as an HTTP date. Unlike openai-node we do not discard hints over
 * 60 s: whether to wait that long is the router's decision, so we report what we were told.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, string>>,
  now: number = Date.now(),
): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headers["retry-after"]?.trim();
  if (retryAfter === undefined || retryAfter === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
