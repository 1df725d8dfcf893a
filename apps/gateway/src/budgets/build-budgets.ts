import { Redis } from "ioredis";
import {
  createAuthenticator,
  createBudgetHooks,
  createBudgetResetJob,
  createDbEndUserSource,
  createDbKeySource,
  createDbSpendWriter,
  createEndUserDirectory,
  createManagement,
  createMemoryBudgetLedger,
  createMemoryKeyInvalidationBus,
  createMemoryRateLimiter,
  createMemorySpendJournal,
  createRedisBudgetLedger,
  createRedisKeyInvalidationBus,
  createRedisRateLimiter,
  createRedisSpendJournal,
  createSpendFlusher,
  withFallbackJournal,
  type Management,
} from "@org/budgets";
import type { Database } from "@org/db";
import type { Logger } from "@org/observability";
import type { Authenticator } from "../auth/authenticator.ts";
import type { RedisConnectionOptions } from "../redis-options.ts";

export interface BuiltBudgets {
  authenticator: Authenticator;
  hooks: ReturnType<typeof createBudgetHooks>;
  management: Management;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Virtual keys, budgets, limits and spend (@org/budgets) over the gateway's database, shared
 * across instances through Redis when one is configured, in memory otherwise.
 */
export function buildBudgets(options: {
  database: Database;
  masterKey: string;
  redis: RedisConnectionOptions | undefined;
  saltKey: string | undefined;
  logger: Logger;
  keyPrefix?: string;
}): BuiltBudgets {
  const { database, logger } = options;
  const prefix = options.keyPrefix ?? "llmgw:budgets:";
  const redis = options.redis
    ? options.redis.url
      ? new Redis(options.redis.url, { lazyConnect: false, maxRetriesPerRequest: 2 })
      : new Redis({
          host: options.redis.host,
          port: options.redis.port,
          password: options.redis.password,
          maxRetriesPerRequest: 2,
        })
    : undefined;
  redis?.on("error", (error) => logger.warn("budgets redis error", { error: error.message }));

  const bus = redis
    ? createRedisKeyInvalidationBus({ redis, channel: `${prefix}invalidate` })
    : createMemoryKeyInvalidationBus();
  const ledger = redis
    ? createRedisBudgetLedger({ redis, keyPrefix: `${prefix}ledger:` })
    : createMemoryBudgetLedger();
  const limiter = redis
    ? createRedisRateLimiter({ redis, keyPrefix: `${prefix}limits:` })
    : createMemoryRateLimiter();
  const journal = redis
    ? withFallbackJournal(createRedisSpendJournal({ redis, stream: `${prefix}spend` }))
    : createMemorySpendJournal();

  const authenticator = createAuthenticator({
    masterKey: options.masterKey,
    source: createDbKeySource(database.db),
    bus,
  });
  const hooks = createBudgetHooks({
    ledger,
    limiter,
    journal,
    endUsers: createEndUserDirectory({ source: createDbEndUserSource(database.db), bus }),
    onSoftBudgetCrossed: (event) => logger.warn("soft budget crossed", { event }),
  });
  const management = createManagement({
    db: database.db,
    bus,
    ledger,
    ...(options.saltKey ? { saltKey: options.saltKey } : {}),
  });
  const flusher = createSpendFlusher({ journal, writer: createDbSpendWriter(database.db) });
  const resetJob = createBudgetResetJob({ db: database.db, bus });

  return {
    authenticator,
    hooks,
    management,
    async start() {
      flusher.start();
      await resetJob.start();
    },
    async close() {
      resetJob.stop();
      // Spend journaled but not yet in Postgres is written before the database closes.
      await flusher.stop();
      redis?.disconnect();
    },
  };
}
