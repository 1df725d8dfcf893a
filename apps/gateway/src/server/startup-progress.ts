import type { RedisConnection as RedisConnectionOptions } from "@org/router";

/**
 * Where a connection string points, for startup messages: scheme, host, port and database, never
 * the user's password (nor anything else in the URL that could be a secret: user, query).
 * Unparseable input is not echoed either, since it may be a mistyped URL holding a password.
 */
export function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(an unparseable URL)";
  }
  const path = parsed.pathname.length > 1 ? parsed.pathname : "";
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** The database line of the startup progress: which database is being opened. */
export function openingDatabaseMessage(
  database: { url: string; schema?: string } | { pgliteDir: string },
): string {
  if ("pgliteDir" in database)
    return `opening the embedded PGlite database in ${database.pgliteDir}`;
  const schema = database.schema ? ` (schema ${database.schema})` : "";
  return `opening the PostgreSQL database at ${describeUrl(database.url)}${schema}`;
}

/** The Redis line of the startup progress. */
export function connectingRedisMessage(redis: RedisConnectionOptions): string {
  const where = redis.url ? describeUrl(redis.url) : `${redis.host}:${redis.port ?? 6379}`;
  return `connecting to Redis at ${where}`;
}
