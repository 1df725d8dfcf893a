import { mkdir, realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { applyMigrations } from "./apply-migrations.ts";
import { initPgliteDataDir } from "./init-pglite-data-dir.ts";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import type { Database } from "./database.ts";
import type { DbClient } from "./db-client.ts";
import { checkChannel } from "./raw-sql.ts";
import { quoteSchemaName } from "./schema-name.ts";
import * as schema from "./schema/index.ts";

export interface PgliteDatabaseOptions {
  /** Directory for the database files; undefined or `memory://…` keeps everything in memory. */
  dataDir?: string;
  /** Schema to create (if missing) and put alone on the search_path. */
  schema?: string;
}

/**
 * PostgreSQL's default of 128 MB of shared buffers lives inside PGlite's WebAssembly memory, so
 * in one process it ends up as resident memory of the gateway. The embedded database is one
 * session whose files sit on a local disk (PGlite's Node file system), so the OS page cache
 * already holds what larger buffers would: 16 MB cut PGlite's idle RSS from ~367 to ~232 MiB
 * (an opened, initialised directory, node 20). `-c` on the command line, not
 * `postgresqlconf`, which would replace the whole postgresql.conf that initdb wrote.
 */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** Embedded PostgreSQL (PGlite, WebAssembly) in this process: no server to run. */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  const quotedSchema = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  const dataDir = onDiskDataDir(options.dataDir);
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    // Before PGlite reads anything: a second process must not even load the files. The lock
    // sits next to the real directory, so two paths to it (a symlink) share one lock.
    const realDir = await realpath(dataDir);
    lock = lockDataDir(realDir, dataDir);
    try {
      await initPgliteDataDir(realDir);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  let client: PGlite;
  try {
    // pgvector is available (`create extension vector`) but loaded only when a user creates it:
    // the shared semantic cache does, to let the database rank vectors.
    client = await PGlite.create(dataDir ?? options.dataDir, {
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  if (quotedSchema !== undefined) {
    try {
      // PGlite is a single session, so a plain SET holds for every later query.
      await client.exec(
        `create schema if not exists ${quotedSchema}; set search_path to ${quotedSchema};`,
      );
    } catch (error) {
      await client.close();
      lock?.release();
      throw error;
    }
  }
  const db: DbClient = drizzle({ client, schema });

  // The migrator reads the applied migrations before opening its transactions, so two
  // overlapping calls in this process would both try to apply the same files. Chain them.
  let migrating: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    kind: "pglite",
    db,
    raw: {
      async query(text, params = []) {
        return (await client.query(text, [...params])).rows as never;
      },
      async listen(channel, onNotify, onListen) {
        // One in-process session: the listener is never disconnected, so onListen runs once.
        const unlisten = await client.listen(checkChannel(channel), onNotify);
        onListen?.();
        return unlisten;
      },
    },
    migrate(migrateOptions = {}) {
      const run = () =>
        applyMigrations(drizzle({ client }), {
          ...migrateOptions,
          ...(options.schema === undefined ? {} : { migrationsSchema: options.schema }),
        });
      const result = migrating.then(run, run);
      migrating = result.catch(() => {});
      return result;
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      // The lock goes only once PGlite has written everything back.
      closing ??= client.close().finally(() => lock?.release());
      return closing;
    },
  };
}

/** The absolute directory for an on-disk database, or undefined for an in-memory one. */
function onDiskDataDir(dataDir: string | undefined): string | undefined {
  if (dataDir === undefined || dataDir.startsWith("memory://")) return undefined;
  return resolve(dataDir);
}
