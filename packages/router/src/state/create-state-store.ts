import type { RedisConnection } from "../config/redis-connection.ts";
import { resolveSettings } from "../config/resolve-settings.ts";
import type { RouterSettings } from "../config/router-settings.ts";
import type { Clock, RouterLogger } from "../util/logger.ts";
import type { MemoryStateStore } from "./memory-state-store.ts";
import { createMemoryStateStore } from "./memory-state-store.ts";
import { RedisStateStore, createRedisStateStore } from "./redis-state-store.ts";
import type { RouterStateStore } from "./state-store.ts";

export interface StateStoreOptions {
  /** router_settings: the latency window (`routing_strategy_args`) sizes either store. */
  settings: RouterSettings;
  /** Shared state in this Redis (see `redisConnectionFrom`); in memory when undefined. */
  redis: RedisConnection | undefined;
  /** Prefix of the Redis store's keys. */
  keyPrefix: string;
  logger?: RouterLogger;
  clock?: Clock;
}

/**
 * The one place the router's state store is built: in memory, or shared through Redis when a
 * connection is given. The Router builds its own with it when none is passed; a service that
 * keeps one store across Router reloads uses `openStateStore`.
 */
export function createStateStore(options: StateStoreOptions): RouterStateStore {
  return build(options);
}

/**
 * `createStateStore`, then, for Redis, a bounded wait until it answers: until then the store
 * counts locally only, and requests served in that window would not count towards limits
 * shared with the other instances. Past `readyTimeoutMs` it serves from local state (logged)
 * and joins Redis when it answers.
 */
export async function openStateStore(
  options: StateStoreOptions & { readyTimeoutMs: number },
): Promise<RouterStateStore> {
  const store = build(options);
  if (store instanceof RedisStateStore && !(await store.waitUntilReady(options.readyTimeoutMs))) {
    options.logger?.warn(
      "router state: Redis is not reachable yet; serving from local state until it is",
      { lastError: store.status().lastError },
    );
  }
  return store;
}

function build(options: StateStoreOptions): MemoryStateStore | RedisStateStore {
  const resolved = resolveSettings(options.settings);
  const latency = {
    maxLatencySamples: resolved.maxLatencySamples,
    latencyTtlMs: resolved.latencyTtlMs,
  };
  if (options.redis === undefined) return createMemoryStateStore(latency);
  return createRedisStateStore({
    ...options.redis,
    ...latency,
    keyPrefix: options.keyPrefix,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
