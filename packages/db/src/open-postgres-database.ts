import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "./database.ts";
import type { DbClient } from "./db-client.ts";
import { applyMigrations } from "./apply-migrations.ts";
import { checkChannel } from "./raw-sql.ts";
import { quoteSchemaName } from "./schema-name.ts";
import * as schema from "./schema/index.ts";

export interface PostgresDatabaseOptions {
  url: string;
  /** Schema to create (if missing) and put alone on the search_path. */
  schema?: string;
  /** Pool size; postgres.js's default of 10 when omitted. */
  max?: number;
}

/** A PostgreSQL server through a postgres.js pool. */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const quotedSchema = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  const connect = (max: number) =>
    postgres(options.url, {
      max,
      // postgres.js prints server notices ("... already exists, skipping") to stdout otherwise.
      onnotice: () => {},
      // A startup parameter rather than `SET search_path`: every connection the pool ever
      // opens gets it, including ones opened after a reconnect.
      ...(quotedSchema === undefined ? {} : { connection: { search_path: quotedSchema } }),
    });

  const client = connect(options.max ?? 10);
  if (options.schema !== undefined) {
    try {
      await createSchemaIfMissing(client, options.schema);
    } catch (error) {
      await client.end({ timeout: 0 });
      throw error;
    }
  }
  const db: DbClient = drizzle({ client, schema });

  let closing: Promise<void> | undefined;
  return {
    kind: "postgres",
    db,
    raw: {
      async query(text, params = []) {
        return (await client.unsafe(text, [...params] as never[])) as never;
      },
      async listen(channel, onNotify, onListen) {
        // postgres.js listens on a dedicated connection that it reopens by itself after an
        // outage, calling onListen again each time.
        const { unlisten } = await client.listen(checkChannel(channel), onNotify, onListen);
        return unlisten;
      },
    },
    async migrate(migrateOptions = {}) {
      // Several gateway replicas may start at once and drizzle's migrator does not lock, so
      // each run holds a session advisory lock (per schema) on a dedicated connection. Ending
      // that connection releases the lock even when a migration fails midway.
      const lockClient = connect(1);
      try {
        const lockName = `@org/db migrate ${options.schema ?? ""}`;
        await lockClient`select pg_advisory_lock(hashtext(${lockName}))`;
        return await applyMigrations(drizzle({ client: lockClient }), {
          ...migrateOptions,
          // Keep the bookkeeping table beside the tables it describes, so dropping a
          // schema drops its migration history too. drizzle's own "drizzle" schema otherwise.
          ...(options.schema === undefined ? {} : { migrationsSchema: options.schema }),
        });
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      closing ??= client.end({ timeout: 5 });
      return closing;
    },
  };
}

async function createSchemaIfMissing(client: postgres.Sql, name: string): Promise<void> {
  try {
    await client`create schema if not exists ${client(name)}`;
  } catch (error) {
    // Two processes creating the same schema at once can both pass the "if not exists"
    // check; the loser gets a duplicate error although the schema now exists.
    const code = (error as { code?: unknown }).code;
    if (code !== "42P06" && code !== "23505") throw error;
  }
}
