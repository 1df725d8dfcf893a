import type { Clock } from "./clock.ts";
import type { CacheLogger } from "./logger.ts";

/**
 * A backend that is down fails every request: log the first failure, then at most one line per
 * interval with how many were suppressed, so an outage does not flood the logs.
 */
export function logOncePerInterval(
  logger: CacheLogger,
  clock: Clock,
  intervalMs = 60_000,
): (message: string, fields?: Record<string, unknown>) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (message, fields) => {
    const now = clock.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = now;
    logger.warn(message, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}
