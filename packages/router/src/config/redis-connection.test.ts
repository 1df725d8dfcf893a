import { describe, expect, it } from "vitest";
import { openStateStore } from "../state/create-state-store.ts";
import { describeRedisConnection, redisConnectionFrom } from "./redis-connection.ts";

describe("redisConnectionFrom: the one reader of the Redis settings", () => {
  const env = "redis://env-host:6390/3";

  it("prefers router_settings.redis_url over redis_host and over REDIS_URL", () => {
    expect(
      redisConnectionFrom(
        { redis_url: "redis://config:6379/1", redis_host: "other", redis_port: 7000 },
        env,
      ),
    ).toEqual({ url: "redis://config:6379/1" });
  });

  it("prefers redis_host (with port and password) over REDIS_URL", () => {
    expect(
      redisConnectionFrom({ redis_host: "cache", redis_port: "6380", redis_password: "pw" }, env),
    ).toEqual({ host: "cache", port: 6380, password: "pw" });
  });

  it("defaults the port, and reads a port YAML gave as a string", () => {
    expect(redisConnectionFrom({ redis_host: "cache" })).toEqual({ host: "cache", port: 6379 });
    expect(redisConnectionFrom({ redis_host: "cache", redis_port: "not a port" })).toEqual({
      host: "cache",
      port: 6379,
    });
  });

  it("falls back to REDIS_URL only when the config names no Redis", () => {
    expect(redisConnectionFrom({}, env)).toEqual({ url: env });
    expect(redisConnectionFrom(undefined, env)).toEqual({ url: env });
    expect(redisConnectionFrom({})).toBeUndefined();
  });

  it("treats empty strings (an unset os.environ/ reference) as unset", () => {
    expect(redisConnectionFrom({ redis_url: "", redis_host: "" }, env)).toEqual({ url: env });
    expect(redisConnectionFrom({ redis_host: "cache", redis_password: "" })).toEqual({
      host: "cache",
      port: 6379,
    });
    expect(redisConnectionFrom({ redis_url: "" }, "")).toBeUndefined();
  });
});

describe("the Redis password is never logged", () => {
  it("describes a connection without its credentials", () => {
    expect(describeRedisConnection({ url: "redis://user:s3cret-pw@cache:6380/2?x=1" })).toBe(
      "redis://cache:6380/2",
    );
    expect(describeRedisConnection({ host: "cache", port: 6379, password: "s3cret-pw" })).toBe(
      "cache:6379",
    );
    expect(describeRedisConnection({ url: "redis://:s3cret-pw@cache:bad port" })).not.toContain(
      "s3cret-pw",
    );
  });

  it("does not log it when Redis cannot be reached at startup", async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) =>
      void lines.push(message + JSON.stringify(fields ?? {}));
    const logger = { debug: log, info: log, warn: log, error: log };
    for (const redis of [
      { url: "redis://:s3cret-pw@127.0.0.1:1/0" },
      { host: "127.0.0.1", port: 1, password: "s3cret-pw" },
    ]) {
      const store = await openStateStore({
        settings: {},
        redis,
        keyPrefix: "test:redis-connection:",
        logger,
        readyTimeoutMs: 300,
      });
      await store.close();
    }
    expect(lines.some((line) => line.includes("Redis is not reachable yet"))).toBe(true);
    expect(lines.join("\n")).not.toContain("s3cret-pw");
  });
});
