import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { loadConfigFromObject } from "./load-config.ts";

// litellm_settings.cache / cache_params as LiteLLM spells them, checked at start: a cache the
// gateway cannot build is an error naming what it supports, never a silently uncached gateway.

const model = { model_name: "gpt-4o", litellm_params: { model: "openai/gpt-4o", api_key: "k" } };
const load = (litellm_settings: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfigFromObject({ model_list: [model], litellm_settings }, { env });
const errorOf = (settings: Record<string, unknown>): string => {
  try {
    load(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("cache config", () => {
  it("is off without cache: true; cache_params alone says so", () => {
    expect(load({}).cache).toBeUndefined();
    const loaded = load({ cache_params: { type: "local" } });
    expect(loaded.cache).toBeUndefined();
    expect(loaded.warnings.join("\n")).toMatch(
      /cache_params is set but litellm_settings.cache is not true/,
    );
  });

  it("router_settings.cache_responses turns it on as LiteLLM's router does: Redis when the router has one, else memory", () => {
    const withRouter = (router_settings: Record<string, unknown>, litellm_settings = {}) =>
      loadConfigFromObject({ model_list: [model], router_settings, litellm_settings }, { env: {} });
    expect(withRouter({ cache_responses: true }).cache?.type).toBe("local");
    expect(withRouter({ cache_responses: false }).cache).toBeUndefined();
    const redis = withRouter({ cache_responses: true, redis_host: "127.0.0.1", redis_port: 6379 });
    expect(redis.cache?.type).toBe("redis");
    // cache_params still say the rest (here the type and ttl).
    const params = withRouter(
      { cache_responses: true, redis_host: "127.0.0.1" },
      { cache_params: { type: "local", ttl: 60 } },
    );
    expect(params.cache).toMatchObject({ type: "local", ttlSeconds: 60 });
    expect(params.warnings.join("\n")).not.toMatch(/not cached/);
    expect(withRouter({ cache_responses: true }).warnings.join("\n")).not.toMatch(
      /cache_responses/,
    );
  });

  it("LiteLLM's documented local config: type local, ttl, default mode, all call types", () => {
    expect(load({ cache: true, cache_params: { type: "local", ttl: 600 } }).cache).toEqual({
      type: "local",
      mode: "default_on",
      redisTimeoutMs: 50,
      ttlSeconds: 600,
    });
    expect(load({ cache: true }).cache?.type).toBe("local");
  });

  it.each(["s3", "gcs", "disk", "azure-blob", "valkey-semantic", "memcached"])(
    "type %s is refused at start, naming the supported types",
    (type) => {
      expect(errorOf({ cache: true, cache_params: { type } })).toMatch(
        /cache_params.type: .*is not supported; supported types: local, redis, local-semantic, redis-semantic, qdrant-semantic, postgres-semantic/,
      );
    },
  );

  it("refuses an unknown mode or call type, and a negative ttl", () => {
    expect(errorOf({ cache: true, cache_params: { mode: "off" } })).toMatch(
      /mode: must be default_on or default_off/,
    );
    expect(
      errorOf({ cache: true, cache_params: { supported_call_types: ["acompletion", "chat"] } }),
    ).toMatch(/unknown call type "chat"/);
    expect(errorOf({ cache: true, cache_params: { ttl: -5 } })).toMatch(/ttl/);
  });

  it("maps LiteLLM's sync call type names to the async ones the routes use", () => {
    const cache = load({
      cache: true,
      cache_params: { mode: "default_off", supported_call_types: ["completion", "aembedding"] },
    }).cache;
    expect(cache?.mode).toBe("default_off");
    expect(cache?.supportedCallTypes).toEqual(["completion", "acompletion", "aembedding"]);
  });

  it("redis: host/port/password, redis_url, or REDIS_HOST / REDIS_PASSWORD from the environment", () => {
    expect(
      load({ cache: true, cache_params: { type: "redis", host: "r", port: 6380, password: "p" } })
        .cache?.redis,
    ).toEqual({
      host: "r",
      port: 6380,
      password: "p",
    });
    expect(
      load({ cache: true, cache_params: { type: "redis", redis_url: "redis://x:1" } }).cache?.redis,
    ).toEqual({
      url: "redis://x:1",
    });
    expect(
      load(
        { cache: true, cache_params: { type: "redis" } },
        { REDIS_HOST: "h", REDIS_PORT: "7000", REDIS_PASSWORD: "s" },
      ).cache?.redis,
    ).toEqual({ host: "h", port: 7000, password: "s" });
    // socket_timeout is in seconds, as in LiteLLM.
    expect(
      load({ cache: true, cache_params: { type: "redis", socket_timeout: 0.2 } }).cache
        ?.redisTimeoutMs,
    ).toBe(200);
  });

  it("semantic types: threshold default 0.95, the embedding model by each type's key, qdrant's required keys", () => {
    expect(load({ cache: true, cache_params: { type: "redis-semantic" } }).cache?.semantic).toEqual(
      {
        embeddingModel: "text-embedding-ada-002",
        similarityThreshold: 0.95,
      },
    );
    expect(
      load({
        cache: true,
        cache_params: {
          type: "redis-semantic",
          similarity_threshold: 0.9,
          redis_semantic_cache_embedding_model: "emb",
        },
      }).cache?.semantic,
    ).toEqual({ embeddingModel: "emb", similarityThreshold: 0.9 });
    expect(errorOf({ cache: true, cache_params: { type: "qdrant-semantic" } })).toMatch(
      /qdrant_api_base[\s\S]*qdrant_collection_name/,
    );
    expect(
      load({
        cache: true,
        cache_params: {
          type: "qdrant-semantic",
          qdrant_api_base: "http://127.0.0.1:6333",
          qdrant_collection_name: "c",
          qdrant_semantic_cache_embedding_model: "emb",
        },
      }).cache?.semantic,
    ).toEqual({
      embeddingModel: "emb",
      similarityThreshold: 0.95,
      qdrant: { apiBase: "http://127.0.0.1:6333", collectionName: "c" },
    });
  });

  it("postgres-semantic (ours) needs no Redis and takes its own or the generic embedding key", () => {
    const cache = load({
      cache: true,
      cache_params: {
        type: "postgres-semantic",
        similarity_threshold: 0.92,
        postgres_semantic_cache_embedding_model: "emb",
      },
    }).cache;
    expect(cache?.type).toBe("postgres-semantic");
    expect(cache?.redis).toBeUndefined();
    expect(cache?.semantic).toEqual({ embeddingModel: "emb", similarityThreshold: 0.92 });
    expect(
      load({
        cache: true,
        cache_params: { type: "postgres-semantic", semantic_cache_embedding_model: "e2" },
      }).cache?.semantic?.embeddingModel,
    ).toBe("e2");
  });

  it("the product brief's semantic_cache block turns local into local-semantic", () => {
    const cache = load({
      cache: true,
      semantic_cache: { enabled: true, embedding_model: "emb", similarity_threshold: 0.97 },
    }).cache;
    expect(cache?.type).toBe("local-semantic");
    expect(cache?.semantic).toEqual({ embeddingModel: "emb", similarityThreshold: 0.97 });
  });
});
