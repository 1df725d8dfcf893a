export type { CacheStore, CacheStoreStatus } from "./store/cache-store.ts";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store.ts";
export type { VectorEntry, VectorIndex, VectorMatch } from "./semantic/vector-index.ts";
export { normalize, dot } from "./semantic/vector-math.ts";
export { promptText } from "./semantic/prompt-text.ts";
export {
  createCacheHooks,
  CACHE_HIT_HEADER,
  CACHE_KEY_HEADER,
  SIMILARITY_HEADER,
} from "./hooks/create-cache-hooks.ts";
export type { CacheSettings, SemanticSettings } from "./hooks/cache-settings.ts";
export type {
  CacheAnswer,
  CacheHookContext,
  CacheHookOutcome,
  CacheHooks,
} from "./hooks/hook-types.ts";
export { DEFAULT_SIMILARITY_THRESHOLD } from "./hooks/semantic-cache.ts";
export { readCacheControls, type CacheControls } from "./controls/request-controls.ts";
export {
  chatKey,
  embeddingKeys,
  semanticPartition,
  hashKey,
  storeKey,
  type KeyScope,
} from "./key/cache-key.ts";
export { canonicalJson } from "./key/canonical-json.ts";
export type { Clock } from "./util/clock.ts";
export type { CacheLogger } from "./util/logger.ts";
export { RedisStore, type RedisStoreOptions } from "./store/redis-store.ts";
export {
  InProcessVectorIndex,
  type InProcessVectorIndexOptions,
} from "./semantic/in-process-index.ts";
export {
  RedisSyncedVectorIndex,
  type RedisSyncedVectorIndexOptions,
} from "./semantic/redis-synced-index.ts";
export { QdrantVectorIndex, type QdrantVectorIndexOptions } from "./semantic/qdrant-index.ts";
export { checkQdrantReachable } from "./semantic/qdrant-reachable.ts";
export {
  PostgresSemanticIndex,
  type PostgresSemanticIndexOptions,
} from "./semantic/postgres-semantic-index.ts";
export type { SemanticSql } from "./semantic/postgres-sql.ts";
