import {
  InProcessVectorIndex,
  MemoryStore,
  PostgresSemanticIndex,
  QdrantVectorIndex,
  RedisStore,
  RedisSyncedVectorIndex,
  checkQdrantReachable,
  createCacheHooks,
  type CacheHooks,
  type CacheStore,
  type Clock,
  type SemanticSql,
  type VectorIndex,
} from "@org/cache";
import type { RedisConnection } from "@org/router";
import type { Logger } from "@org/observability";
import type { CacheConfig } from "../config/cache-config.ts";
import { cacheScopeOf } from "./cache-scope.ts";

export const DEFAULT_CACHE_KEY_PREFIX = "llmgw:cache:";
/** How long startup waits for the cache's Redis before serving uncached. */
const REDIS_READY_WAIT_MS = 2000;

export interface BuiltCache {
  readonly hooks: CacheHooks;
  /** For /health/readiness and /cache/ping. */
  status(): { type: string; connected: boolean };
  /** Drops entries by their `x-litellm-cache-key` (LiteLLM's POST /cache/delete). */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface BuildCacheOptions {
  readonly config: CacheConfig;
  /** The router's Redis (router_settings, else REDIS_URL), used when cache_params names none. */
  readonly routerRedis: RedisConnection | undefined;
  /** The gateway's own database (PostgreSQL or PGlite), for `postgres-semantic`. */
  readonly database?: SemanticSql;
  /** The semantic cache's prompt embedding, through the gateway's own router. */
  readonly embed: (model: string, text: string, signal: AbortSignal) => Promise<ArrayLike<number>>;
  readonly logger: Logger;
  /** Shared by every instance on one Redis; tests give each run its own. */
  readonly keyPrefix?: string;
  readonly clock?: Clock;
}

/**
 * Builds the store, the vector index (semantic types) and the router hooks from the checked
 * cache config. A Redis type without any Redis settings, or `qdrant-semantic` without a reachable
 * Qdrant, is a start error: a cache silently off would cost what the operator meant to save.
 */
export async function buildCache(options: BuildCacheOptions): Promise<BuiltCache> {
  const { config, logger } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_CACHE_KEY_PREFIX;
  const clock = options.clock;
  const usesRedis = config.type === "redis" || config.type === "redis-semantic";
  const redis = config.redis ?? (usesRedis ? options.routerRedis : undefined);
  if (usesRedis && redis === undefined)
    throw new Error(
      `litellm_settings.cache_params.type ${config.type} needs a Redis: set cache_params.host/port/password or redis_url, router_settings.redis_host, or REDIS_URL / REDIS_HOST`,
    );

  const redisStore =
    redis !== undefined
      ? new RedisStore({
          ...redis,
          keyPrefix,
          timeoutMs: config.redisTimeoutMs,
          logger,
          ...(clock ? { clock } : {}),
        })
      : undefined;
  // Without the offline queue, the first requests after start would miss until the connection
  // opens: wait for it, bounded; a Redis that is down is a warning (requests go uncached).
  if (redisStore !== undefined && !(await redisStore.waitUntilReady(REDIS_READY_WAIT_MS)))
    logger.warn(
      `the response cache's Redis is not reachable yet; requests are served uncached until it is`,
    );
  const store: CacheStore =
    redisStore ??
    new MemoryStore({
      ...(config.maxEntries !== undefined ? { maxEntries: config.maxEntries } : {}),
      ...(config.maxBytes !== undefined ? { maxBytes: config.maxBytes } : {}),
      ...(clock ? { clock } : {}),
    });

  let index: VectorIndex | undefined;
  const semantic = config.semantic;
  if (semantic !== undefined) {
    if (config.type === "qdrant-semantic") {
      const qdrant = semantic.qdrant!;
      await checkQdrantReachable(qdrant);
      index = new QdrantVectorIndex({ ...qdrant, logger, ...(clock ? { clock } : {}) });
    } else if (config.type === "postgres-semantic") {
      if (options.database === undefined)
        throw new Error("cache_params.type postgres-semantic needs the gateway's database");
      index = await PostgresSemanticIndex.open({
        sql: options.database,
        logger,
        ...(clock ? { clock } : {}),
      });
    } else if (config.type === "redis-semantic") {
      const synced = new RedisSyncedVectorIndex({
        connection: redis!.url ?? {
          host: redis!.host,
          port: redis!.port,
          password: redis!.password,
          // cache_params.username, an ACL user (Redis 6+): without it the stream's clients log in
          // as `default` while the exact store logs in as the user.
          username: config.redis?.username,
        },
        keyPrefix,
        logger,
        ...(clock ? { clock } : {}),
      });
      await synced.ready();
      index = synced;
    } else {
      index = new InProcessVectorIndex({ logger, ...(clock ? { clock } : {}) });
    }
  }

  const hooks = createCacheHooks({
    store,
    mode: config.mode,
    scopeOf: cacheScopeOf,
    logger,
    ...(clock ? { clock } : {}),
    ...(config.ttlSeconds !== undefined ? { ttlSeconds: config.ttlSeconds } : {}),
    ...(config.namespace !== undefined ? { namespace: config.namespace } : {}),
    ...(config.supportedCallTypes ? { supportedCallTypes: config.supportedCallTypes } : {}),
    ...(semantic !== undefined && index !== undefined
      ? {
          semantic: {
            index,
            similarityThreshold: semantic.similarityThreshold,
            embed: (text: string, signal: AbortSignal) =>
              options.embed(semantic.embeddingModel, text, signal),
          },
        }
      : {}),
  });

  return {
    hooks,
    status: () => {
      const s = store.status();
      return { type: config.type, connected: s.connected };
    },
    async delete(keys) {
      await Promise.all(keys.map((key) => store.delete(key)));
    },
    async close() {
      await Promise.all([store.close(), index?.close()]);
    },
  };
}
