/** The OpenAI SDK's (and LiteLLM's) schedule: 0.5 s doubling per retry, at most 8 s. */
const INITIAL_MS = 500;
const MAX_MS = 8000;
/** An upstream retry-after longer than this is not waited for here (the deployment cools down instead). */
const MAX_HONOURED_RETRY_AFTER_MS = 60_000;

/**
 * Milliseconds to wait before retry number `retry` (0-based). An upstream `retry-after` up to a
 * minute is honoured as is; otherwise exponential back-off with up to 25 % jitter downwards; never
 * less than router `retry_after`.
 */
export function backoffMs(
  retry: number,
  retryAfterMs: number | undefined,
  minMs: number,
  random: () => number,
): number {
  if (
    retryAfterMs !== undefined &&
    retryAfterMs > 0 &&
    retryAfterMs <= MAX_HONOURED_RETRY_AFTER_MS
  ) {
    return Math.max(retryAfterMs, minMs);
  }
  const base = Math.min(INITIAL_MS * 2 ** retry, MAX_MS);
  const jittered = base * (1 - 0.25 * random());
  return Math.max(Math.round(jittered), minMs);
}
