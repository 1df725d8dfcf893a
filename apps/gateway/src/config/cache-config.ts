import type { ConfigIssue } from "./config-error.ts";
import type { GatewayConfig } from "./config-schema.ts";

/**
 * The cache types this gateway builds: LiteLLM's names, plus two of ours, `local-semantic` (one
 * instance) and `postgres-semantic` (shared through the gateway's own database).
 */
export const CACHE_TYPES = [
  "local",
  "redis",
  "local-semantic",
  "redis-semantic",
  "qdrant-semantic",
  "postgres-semantic",
] as const;
export type CacheType = (typeof CACHE_TYPES)[number];

/** LiteLLM's call types, and which of our routes each names. */
export const CACHE_CALL_TYPES = [
  "completion",
  "acompletion",
  "text_completion",
  "atext_completion",
  "embedding",
  "aembedding",
  "responses",
  "aresponses",
  "anthropic_messages",
] as const;

/** The embedding model LiteLLM's semantic caches use when the config names none. */
const DEFAULT_EMBEDDING_MODEL = "text-embedding-ada-002";

/** `litellm_settings.cache` + `cache_params`, checked and with defaults: what the gateway builds. */
export interface CacheConfig {
  readonly type: CacheType;
  readonly ttlSeconds?: number;
  readonly namespace?: string;
  readonly mode: "default_on" | "default_off";
  /** Our call types (the sync names LiteLLM also accepts map to the async ones). */
  readonly supportedCallTypes?: readonly string[];
  /** Redis for `redis` / `redis-semantic` (else the router's Redis / REDIS_URL). */
  readonly redis?: {
    url?: string;
    host?: string;
    port?: number;
    password?: string;
    username?: string;
  };
  /** Bounded wait per Redis command, ms (`socket_timeout`, seconds in LiteLLM). Default 50. */
  readonly redisTimeoutMs: number;
  /** In-memory bounds (`max_size_in_memory` entries, `max_size_in_memory_mb` ours). */
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  readonly semantic?: {
    readonly embeddingModel: string;
    readonly similarityThreshold: number;
    readonly qdrant?: { apiBase: string; apiKey?: string; collectionName: string };
  };
}

export interface CacheConfigResult {
  readonly cache: CacheConfig | undefined;
  readonly warnings: string[];
  readonly errors: ConfigIssue[];
}

const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  s3: "an S3 bucket",
  gcs: "a GCS bucket",
  "azure-blob": "an Azure blob container",
  disk: "a disk cache",
  "valkey-semantic": "Valkey's vector search",
};

/**
 * Reads LiteLLM's cache settings. `cache: true` turns the cache on (`cache_params` alone does
 * not, as in LiteLLM). A type this gateway does not build is a start error naming the supported
 * ones: a cache silently off would cost money the operator thought was saved.
 */
export function buildCacheConfig(
  config: GatewayConfig,
  env: Readonly<Record<string, string | undefined>>,
): CacheConfigResult {
  const settings = config.litellm_settings ?? {};
  const params = (settings.cache_params ?? {}) as Record<string, unknown>;
  const warnings: string[] = [];
  const errors: ConfigIssue[] = [];
  const at = (key: string) => `litellm_settings.cache_params.${key}`;
  const brief = settings.semantic_cache;

  // LiteLLM's Router(cache_responses=True) turns the response cache on too when nothing else
  // did: in Redis when the router has one (router_settings.redis_host / redis_url), else in
  // memory. cache_params, when given, say the rest as they do for `cache: true`.
  const router = config.router_settings ?? {};
  const byRouter = settings.cache !== true && router.cache_responses === true;
  if (settings.cache !== true && !byRouter) {
    if (settings.cache_params !== undefined && settings.cache !== false)
      warnings.push(
        "litellm_settings.cache_params is set but litellm_settings.cache is not true: responses are not cached (set cache: true)",
      );
    return { cache: undefined, warnings, errors };
  }

  const routerHasRedis = router.redis_host !== undefined || router.redis_url !== undefined;
  const defaultType = byRouter && routerHasRedis ? "redis" : "local";
  let type = (typeof params["type"] === "string" ? params["type"] : defaultType) as string;
  // The product brief's `semantic_cache: {enabled: true}` block adds the semantic half.
  if (brief?.enabled === true && (type === "local" || type === "redis")) type = `${type}-semantic`;
  if (!(CACHE_TYPES as readonly string[]).includes(type)) {
    const what = UNSUPPORTED_TYPES[type];
    errors.push({
      path: at("type"),
      message: `${what ? `${JSON.stringify(type)} (${what})` : `unknown cache type ${JSON.stringify(type)}`} is not supported; supported types: ${CACHE_TYPES.join(", ")}`,
    });
    return { cache: undefined, warnings, errors };
  }

  const mode = params["mode"] ?? "default_on";
  if (mode !== "default_on" && mode !== "default_off")
    errors.push({
      path: at("mode"),
      message: `must be default_on or default_off, got ${JSON.stringify(mode)}`,
    });

  const callTypes = params["supported_call_types"] as string[] | undefined;
  for (const name of callTypes ?? []) {
    if (!(CACHE_CALL_TYPES as readonly string[]).includes(name))
      errors.push({
        path: at("supported_call_types"),
        message: `unknown call type ${JSON.stringify(name)}; known: ${CACHE_CALL_TYPES.join(", ")}`,
      });
  }

  const ttl = numberParam(params, "ttl", at, errors);
  const namespace = stringParam(params, "namespace");
  const maxEntries = numberParam(params, "max_size_in_memory", at, errors);
  const maxMb = numberParam(params, "max_size_in_memory_mb", at, errors);
  const socketTimeout = numberParam(params, "socket_timeout", at, errors);

  const redisUrl = stringParam(params, "redis_url") ?? stringParam(params, "url");
  const host =
    stringParam(params, "host") ?? (type.startsWith("redis") ? env["REDIS_HOST"] : undefined);
  const port = params["port"] ?? (host !== undefined ? env["REDIS_PORT"] : undefined);
  const password =
    stringParam(params, "password") ?? (host !== undefined ? env["REDIS_PASSWORD"] : undefined);
  const username = stringParam(params, "username");
  const redis =
    redisUrl !== undefined || host !== undefined
      ? {
          ...(redisUrl !== undefined ? { url: redisUrl } : {}),
          ...(host !== undefined ? { host } : {}),
          ...(port !== undefined && port !== "" ? { port: Number(port) } : {}),
          ...(password !== undefined && password !== "" ? { password } : {}),
          ...(username !== undefined ? { username } : {}),
        }
      : undefined;

  let semantic: CacheConfig["semantic"];
  if (type.endsWith("-semantic")) {
    const threshold = params["similarity_threshold"] ?? brief?.similarity_threshold;
    const embeddingModel =
      stringParam(params, `${type.replace("-semantic", "")}_semantic_cache_embedding_model`) ??
      stringParam(params, "semantic_cache_embedding_model") ??
      brief?.embedding_model ??
      DEFAULT_EMBEDDING_MODEL;
    let qdrant: { apiBase: string; apiKey?: string; collectionName: string } | undefined;
    if (type === "qdrant-semantic") {
      const apiBase =
        stringParam(params, "qdrant_api_base") ?? env["QDRANT_API_BASE"] ?? env["QDRANT_URL"];
      const apiKey = stringParam(params, "qdrant_api_key") ?? env["QDRANT_API_KEY"];
      const collectionName = stringParam(params, "qdrant_collection_name");
      if (apiBase === undefined)
        errors.push({
          path: at("qdrant_api_base"),
          message: "qdrant-semantic needs qdrant_api_base (or QDRANT_API_BASE)",
        });
      if (collectionName === undefined)
        errors.push({
          path: at("qdrant_collection_name"),
          message: "qdrant-semantic needs qdrant_collection_name",
        });
      if (apiBase !== undefined && collectionName !== undefined)
        qdrant = { apiBase, collectionName, ...(apiKey ? { apiKey } : {}) };
    }
    semantic = {
      embeddingModel,
      similarityThreshold: typeof threshold === "number" ? threshold : 0.95,
      ...(qdrant ? { qdrant } : {}),
    };
  }

  return {
    cache: {
      type: type as CacheType,
      mode: mode === "default_off" ? "default_off" : "default_on",
      redisTimeoutMs:
        socketTimeout === undefined ? 50 : Math.max(1, Math.round(socketTimeout * 1000)),
      ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(callTypes !== undefined ? { supportedCallTypes: asyncNames(callTypes) } : {}),
      ...(redis !== undefined ? { redis } : {}),
      ...(maxEntries !== undefined ? { maxEntries: Math.floor(maxEntries) } : {}),
      ...(maxMb !== undefined ? { maxBytes: Math.floor(maxMb * 1024 * 1024) } : {}),
      ...(semantic !== undefined ? { semantic } : {}),
    },
    warnings,
    errors,
  };
}

/** LiteLLM lists sync and async names; our routes are all async (`acompletion`, ...). */
function asyncNames(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    out.add(name);
    if (name === "anthropic_messages") continue;
    out.add(name.startsWith("a") ? name : `a${name}`);
  }
  return [...out];
}

function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function numberParam(
  params: Record<string, unknown>,
  key: string,
  at: (key: string) => string,
  errors: ConfigIssue[],
): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    errors.push({
      path: at(key),
      message: `must be a non-negative number, got ${JSON.stringify(value)}`,
    });
    return undefined;
  }
  return n;
}
