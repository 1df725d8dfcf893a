import { execFile } from "node:child_process";

/**
 * Where the PostgreSQL + Redis target keeps its state: the database and Redis the caller gives
 * (`--database-url`/`--redis-url`, else TEST_DATABASE_URL/TEST_REDIS_URL, else
 * DATABASE_URL/REDIS_URL), loopback only, and a schema of its own per run (`bench_<time>`) so
 * the gateway's migrations and spend never touch the tests' tables. `shown` is for reports:
 * no credentials.
 */
export interface PostgresRedis {
  databaseUrl: string;
  redisUrl: string;
  schema: string;
  shown: string;
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

function loopbackUrl(
  value: string,
  from: string,
  protocols: string[],
): { url: string; shown: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${from} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new Error(`${from} must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL`);
  if (!LOOPBACK.includes(parsed.hostname))
    throw new Error(
      `${from} must point at loopback (127.0.0.1): the bench sends nothing off the machine`,
    );
  parsed.username = "";
  parsed.password = "";
  return { url: value, shown: parsed.toString() };
}

export function postgresRedisFrom(
  given: { databaseUrl?: string; redisUrl?: string },
  env: NodeJS.ProcessEnv,
  startedAt: Date,
): PostgresRedis | string {
  const pick = (flag: string, value: string | undefined, names: string[]) => {
    if (value) return { value, from: flag };
    const name = names.find((n) => env[n]);
    return name ? { value: env[name]!, from: name } : undefined;
  };
  const db = pick("--database-url", given.databaseUrl, ["TEST_DATABASE_URL", "DATABASE_URL"]);
  const redis = pick("--redis-url", given.redisUrl, ["TEST_REDIS_URL", "REDIS_URL"]);
  if (!db || !redis)
    return `no ${!db ? "PostgreSQL" : "Redis"} given (pass --database-url and --redis-url, or set TEST_DATABASE_URL and TEST_REDIS_URL)`;
  const database = loopbackUrl(db.value, db.from, ["postgres:", "postgresql:"]);
  const redisUrl = loopbackUrl(redis.value, redis.from, ["redis:"]);
  const schema = `bench_${startedAt.getTime().toString(36)}`;
  return {
    databaseUrl: database.url,
    redisUrl: redisUrl.url,
    schema,
    shown: `${database.shown} (schema ${schema}, dropped at the end) and ${redisUrl.shown}`,
  };
}

/** The gateway's environment for this target (startGateway removes the caller's own). */
export function postgresRedisEnv(target: PostgresRedis): Record<string, string> {
  return {
    DATABASE_URL: target.databaseUrl,
    DATABASE_SCHEMA: target.schema,
    REDIS_URL: target.redisUrl,
  };
}

/**
 * Drops the run's schema with psql (the bench has no PostgreSQL driver of its own). Resolves to
 * a note when it could not, so the report says what was left behind.
 */
export function dropBenchSchema(target: PostgresRedis): Promise<string | undefined> {
  // The name is ours (bench_ + base36), so quoting is only belt and braces.
  const sql = `drop schema if exists "${target.schema}" cascade`;
  return new Promise((resolve) => {
    execFile(
      "psql",
      [target.databaseUrl, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
      { timeout: 30_000 },
      // Not error.message: it repeats the command line, and with it the URL's password.
      (error, _stdout, stderr) =>
        resolve(
          error
            ? `schema ${target.schema} was not dropped (psql: ${String(stderr).trim().split("\n")[0] || "failed"}); drop it by hand`
            : undefined,
        ),
    );
  });
}
