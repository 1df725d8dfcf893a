import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";

/** The one Redis command a shared claim needs; an ioredis client satisfies it. */
export interface AlertClaimRedis {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<"OK" | null>;
}

/**
 * Decides, across every gateway instance, which one sends an alert: the first to claim a
 * condition in its window. Each instance still dedupes in memory first, so Redis sees at most one
 * claim per condition per window per instance, never one per request.
 */
export interface AlertClaimer {
  /** True when this instance should send it; never rejects. */
  claim(key: string, windowMs: number): Promise<boolean>;
  /** Releases what the claimer holds (the Alerter calls it last in its close). */
  close?(): Promise<void>;
}

export interface RedisAlertClaimerOptions {
  /** Prefix of the claim keys. Default `llm-gateway:alert:`. */
  readonly prefix?: string;
  /** A claim that has not answered by then counts as won. Default 500 ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * `SET <prefix><condition|subject> 1 PX <window> NX`: the instance whose SET lands sends the
 * alert, the others fold it. When Redis fails or is slow the alert is sent anyway (logged once
 * per minute): a duplicate alert is better than a lost one.
 */
export function redisAlertClaimer(
  redis: AlertClaimRedis,
  options: RedisAlertClaimerOptions = {},
): AlertClaimer {
  const prefix = options.prefix ?? "llm-gateway:alert:";
  const timeoutMs = options.timeoutMs ?? 500;
  const logFailure = logOncePerInterval(options.logger ?? noopLogger, 60_000);
  return {
    async claim(key, windowMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
        timer.unref?.();
      });
      try {
        const answer = await Promise.race([
          redis.set(prefix + key, "1", "PX", Math.max(1, Math.round(windowMs)), "NX"),
          timedOut,
        ]);
        if (answer === "timeout") {
          logFailure("alert claim in Redis timed out: alert sent without the shared dedupe", {
            timeoutMs,
          });
          return true;
        }
        return answer === "OK";
      } catch (error) {
        logFailure("alert claim in Redis failed: alert sent without the shared dedupe", {
          error: error instanceof Error ? error.message : String(error),
        });
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
