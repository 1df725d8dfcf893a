import type { Logger } from "../logger/logger.ts";

/**
 * A dead sink fails every batch and a full queue drops every event: log the first occurrence,
 * then at most one line per interval with how many were suppressed, so an outage does not
 * flood the logs. `now` is injectable so tests move a fake clock (vi.useFakeTimers moves
 * Date.now too).
 */
export function logOncePerInterval(
  logger: Pick<Logger, "warn">,
  intervalMs: number,
  now: () => number = Date.now,
): (message: string, fields?: Record<string, unknown>) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (message, fields) => {
    const t = now();
    if (t - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = t;
    logger.warn(message, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}
