import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import {
  deliver,
  type Invalidation,
  type InvalidationHandler,
  type KeyInvalidationBus,
} from "./key-invalidation-bus.ts";

export interface RedisKeyInvalidationBusOptions {
  /** Used to publish; a duplicate connection is opened for the subscription. */
  redis: Redis;
  /** Pub/sub channel; instances sharing it share invalidations. */
  channel?: string;
  logger?: BudgetsLogger;
}

/**
 * Invalidations over Redis pub/sub. Pub/sub is fire-and-forget: a message sent while this
 * instance's subscription is down is lost, so after every reconnect the instance drops its whole
 * cache ({ kind: "all" }) rather than risk serving a revoked key until the TTL runs out.
 */
export interface RedisKeyInvalidationBus extends KeyInvalidationBus {
  /** Resolves once the subscription is active. */
  ready(): Promise<void>;
}

export function createRedisKeyInvalidationBus(
  options: RedisKeyInvalidationBusOptions,
): RedisKeyInvalidationBus {
  const channel = options.channel ?? "llmgw:budgets:invalidate";
  const logger = options.logger ?? silentLogger;
  const instance = randomUUID();
  const handlers = new Set<InvalidationHandler>();
  const subscriber = options.redis.duplicate({ enableAutoPipelining: false });
  let readyOnce = false;

  subscriber.on("ready", () => {
    if (readyOnce) deliver(handlers, { kind: "all" });
    readyOnce = true;
  });
  subscriber.on("error", (error: Error) => {
    logger.warn("key invalidation subscriber error", { error: error.message });
  });
  subscriber.on("message", (from: string, raw: string) => {
    if (from !== channel) return;
    try {
      const parsed = JSON.parse(raw) as { from?: string; message?: Invalidation };
      if (parsed.from === instance || parsed.message === undefined) return;
      deliver(handlers, parsed.message);
    } catch {
      // Not ours; ignore.
    }
  });
  const subscribed: Promise<void> = subscriber.subscribe(channel).then(
    () => undefined,
    (error: unknown) => {
      logger.error("key invalidation subscribe failed", { error: String(error) });
    },
  );

  return {
    async publish(message) {
      deliver(handlers, message);
      try {
        await options.redis.publish(channel, JSON.stringify({ from: instance, message }));
      } catch (error) {
        // Other instances fall back to their cache TTL; this one is already up to date.
        logger.warn("key invalidation publish failed", { error: String(error) });
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    ready: () => subscribed,
    async close() {
      handlers.clear();
      await subscribed;
      subscriber.disconnect();
    },
  };
}
