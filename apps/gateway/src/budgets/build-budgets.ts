import {
  createAuthenticator,
  createBudgetHooks,
  createBudgetResetJob,
  createDbEndUserSource,
  createDbKeySource,
  createDbSpendWriter,
  createEndUserDirectory,
  createMemoryBudgetLedger,
  createMemoryKeyInvalidationBus,
  createMemoryRateLimiter,
  createMemorySpendJournal,
  createRedisBudgetLedger,
  createRedisKeyInvalidationBus,
  createRedisRateLimiter,
  createRedisSpendJournal,
  createSpendFlusher,
  existingKeyHashes,
  hashKey,
  moveSpendStream,
  withFallbackJournal,
  type BudgetResetCounts,
  type Clock,
  type BudgetExceededEvent,
  type KeyInvalidationBus,
  type SoftBudgetEvent,
} from "@org/budgets";
import { createManagement, type Management } from "@org/management";
import type { Database } from "@org/db";
import { connectRedis, type RedisConnection } from "@org/router";
import type { Logger } from "@org/observability";
import type { Authenticator } from "../auth/authenticator.ts";
import { checkModelEntry } from "../config/check-model-entry.ts";
import { SHARED_BUDGETS_KEY_PREFIX } from "./budgets-key-prefix.ts";

/** Wait before trying again to move an earlier version's spend stream (Redis did not answer). */
const LEGACY_MOVE_RETRY_MS = 5_000;
/**
 * After the start, the earlier version's stream is emptied again every 30 s for half an hour: a
 * rolling upgrade's old instances append to it meanwhile, and one that crashes leaves records
 * no one reads once the last old instance is gone. A sweep of an empty stream is one XRANGE.
 */
const LEGACY_SWEEP_MS = 30_000;
const LEGACY_SWEEP_FOR_MS = 30 * 60_000;

export interface BuiltBudgets {
  authenticator: Authenticator;
  hooks: ReturnType<typeof createBudgetHooks>;
  management: Management;
  /** Invalidations between instances (Redis pub/sub, or this process alone). */
  bus: KeyInvalidationBus;
  /** Runs the budget reset job now (it also runs at start and every minute). */
  runResetsNow(): Promise<BudgetResetCounts>;
  /** Writes the journaled spend to the database now (it is also flushed every second). */
  flushSpendNow(): Promise<number>;
  /**
   * Spend records this instance set aside because the database refused them (kept in
   * `spend_logs_rejected`, each logged at error level). Anything above 0 needs an operator.
   */
  spendRejectedCount(): number;
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
  /** From `redisConnectionFrom` (@org/router), the one reader of the Redis settings. */
  redis: RedisConnection | undefined;
  saltKey: string | undefined;
  logger: Logger;
  keyPrefix?: string;
  /**
   * A spend stream of an earlier version to empty into this one's at start (records a crashed
   * instance left there are written, not stranded): the records of this database's keys and
   * those without a key; another deployment's stay. Undefined: none.
   */
  legacySpendStream?: string;
  /** How often that stream is emptied again after the start (tests shorten it). */
  legacySweepMs?: number;
  /** Model access groups (`model_info.access_groups`), for keys that list a group's name. */
  accessGroupsOf?: (modelGroup: string) => readonly string[] | undefined;
  /** Time for key expiry, budget windows, rate windows and resets; tests pass a fake clock. */
  clock?: Clock;
  /** Also told of soft-budget crossings (they are always logged). */
  onSoftBudgetCrossed?: (event: SoftBudgetEvent) => void;
  /** Told of requests refused for budget (the budget_alerts alert). */
  onBudgetExceeded?: (event: BudgetExceededEvent) => void;
}): BuiltBudgets {
  const { database, logger } = options;
  // Spread into each part so that production leaves every default (the system clock) in place.
  const clock = options.clock ? { clock: options.clock } : {};
  const prefix = options.keyPrefix ?? SHARED_BUDGETS_KEY_PREFIX;
  // Auto-pipelining: the journal appends, ledger and limiter calls of one tick share one write.
  const redis = options.redis
    ? connectRedis(options.redis, {
        lazyConnect: false,
        maxRetriesPerRequest: 2,
        enableAutoPipelining: true,
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
  const stream = `${prefix}spend`;
  const journal = redis
    ? withFallbackJournal(createRedisSpendJournal({ redis, stream, logger }), logger)
    : createMemorySpendJournal();

  const authenticator = createAuthenticator({
    masterKey: options.masterKey,
    source: createDbKeySource(database.db),
    bus,
    ...clock,
  });
  const hooks = createBudgetHooks({
    ledger,
    limiter,
    journal,
    endUsers: createEndUserDirectory({
      source: createDbEndUserSource(database.db),
      bus,
      ...clock,
    }),
    ...(options.accessGroupsOf ? { accessGroupsOf: options.accessGroupsOf } : {}),
    onSoftBudgetCrossed: (event) => {
      logger.warn("soft budget crossed", { request_id: event.requestId, event });
      options.onSoftBudgetCrossed?.(event);
    },
    ...(options.onBudgetExceeded ? { onBudgetExceeded: options.onBudgetExceeded } : {}),
    // A failed journal append or limiter release is otherwise silent.
    logger,
    ...clock,
  });
  const management = createManagement({
    db: database.db,
    bus,
    ledger,
    ...clock,
    ...(options.saltKey ? { saltKey: options.saltKey } : {}),
    checkModel: checkModelEntry,
  });
  const writer = createDbSpendWriter(database.db, { logger });
  const flusher = createSpendFlusher({ journal, writer, logger });
  const resetJob = createBudgetResetJob({ db: database.db, bus, ...clock });

  /**
   * Empties an earlier version's spend stream into this deployment's. A Redis that does not
   * answer (down, loading, out of memory) must not stop the gateway from starting, which it
   * otherwise does (the router serves on local state, spend goes to the fallback journal): the
   * move is tried again every few seconds until it succeeds or the budgets close. Then it runs
   * again every LEGACY_SWEEP_MS for LEGACY_SWEEP_FOR_MS after the start (a rolling upgrade).
   */
  const masterKeyHash = hashKey(options.masterKey);
  let legacyRetry: NodeJS.Timeout | undefined;
  let closed = false;
  let sweepUntil = 0;
  const moveLegacyLater = (ms: number) => {
    if (closed || Date.now() + ms > sweepUntil) return;
    legacyRetry = setTimeout(() => void moveLegacySpend(), ms);
    legacyRetry.unref();
  };
  const moveLegacySpend = async (): Promise<void> => {
    const from = options.legacySpendStream;
    if (!redis || from === undefined || closed) return;
    try {
      // Only this deployment's records: another deployment still on an earlier version may be
      // writing its own to the same stream (the other's flusher writes those).
      const moved = await moveSpendStream(redis, from, stream, undefined, async (hashes) => {
        const owned = new Set(await existingKeyHashes(database.db, hashes));
        // The master key's requests are this deployment's too (logged, in no key's row).
        if (hashes.includes(masterKeyHash)) owned.add(masterKeyHash);
        return owned;
      });
      if (moved > 0) {
        logger.warn("spend records of an earlier version moved to this deployment's stream", {
          from,
          to: stream,
          moved,
        });
      }
      moveLegacyLater(options.legacySweepMs ?? LEGACY_SWEEP_MS);
    } catch (error) {
      logger.warn("could not move an earlier version's spend records yet; trying again", {
        from,
        to: stream,
        error: String(error),
      });
      // Until it succeeds once, however long Redis stays away: the records are spend to bill.
      sweepUntil = Math.max(sweepUntil, Date.now() + LEGACY_SWEEP_FOR_MS);
      moveLegacyLater(LEGACY_MOVE_RETRY_MS);
    }
  };

  return {
    authenticator,
    hooks,
    management,
    bus,
    runResetsNow: () => resetJob.runOnce(),
    flushSpendNow: () => flusher.flush(),
    spendRejectedCount: () => writer.rejectedCount(),
    async start() {
      sweepUntil = Date.now() + LEGACY_SWEEP_FOR_MS;
      await moveLegacySpend();
      flusher.start();
      await resetJob.start();
    },
    async close() {
      closed = true;
      clearTimeout(legacyRetry);
      legacyRetry = undefined;
      resetJob.stop();
      // Spend journaled but not yet in Postgres is written before the database closes; what
      // cannot be is logged by stop(), which never throws, so shutdown always completes.
      await flusher.stop();
      redis?.disconnect();
    },
  };
}
