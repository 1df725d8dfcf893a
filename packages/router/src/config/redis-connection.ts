import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { toNumber } from "../util/to-number.ts";
import type { RouterSettings } from "./router-settings.ts";

/**
 * Where Redis is. `password` (and a password inside `url`) is a secret: log
 * `describeRedisConnection()`, never the object.
 */
export interface RedisConnection {
  /** redis://[[user]:password@]host:port[/db] */
  url?: string;
  host?: string;
  port?: number;
  password?: string;
}

const DEFAULT_PORT = 6379;

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * The one reader of Redis connection settings, for everything that shares Redis (router state,
 * budgets). Precedence, as LiteLLM's Router:
 *   1. router_settings.redis_url
 *   2. router_settings.redis_host, with redis_port (default 6379; YAML may give a string) and
 *      redis_password
 *   3. the REDIS_URL environment variable (`envUrl`)
 * An empty string counts as unset (an `os.environ/` reference to an unset variable gives one).
 */
export function redisConnectionFrom(
  settings: RouterSettings = {},
  envUrl?: string,
): RedisConnection | undefined {
  const url = nonEmpty(settings.redis_url);
  if (url !== undefined) return { url };
  const host = nonEmpty(settings.redis_host);
  if (host !== undefined) {
    const port = toNumber(settings.redis_port) ?? DEFAULT_PORT;
    const password = nonEmpty(settings.redis_password);
    return password === undefined ? { host, port } : { host, port, password };
  }
  const fromEnv = nonEmpty(envUrl);
  return fromEnv === undefined ? undefined : { url: fromEnv };
}

/** Where a connection points, for logs: scheme, host, port and database, never a credential. */
export function describeRedisConnection(connection: RedisConnection): string {
  if (connection.url === undefined) {
    return `${connection.host ?? "127.0.0.1"}:${connection.port ?? DEFAULT_PORT}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(connection.url);
  } catch {
    // Not echoed: a mistyped URL may still hold a password.
    return "(an unparseable Redis URL)";
  }
  const path = parsed.pathname.length > 1 ? parsed.pathname : "";
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** An ioredis client for `connection`, with the caller's client behaviour (`base`). */
export function connectRedis(connection: RedisConnection, base: RedisOptions = {}): Redis {
  if (connection.url !== undefined) return new Redis(connection.url, base);
  return new Redis({
    ...base,
    host: connection.host ?? "127.0.0.1",
    port: connection.port ?? DEFAULT_PORT,
    ...(connection.password === undefined ? {} : { password: connection.password }),
  });
}
