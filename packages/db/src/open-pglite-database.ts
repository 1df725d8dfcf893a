import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { Database } from "./database.ts";
import type { DbClient } from "./db-client.ts";
import { migrationsFolder } from "./migrations-folder.ts";
import { quoteSchemaName } from "./schema-name.ts";
import * as schema from "./schema/index.ts";

export interface PgliteDatabaseOptions {
  /** Directory for the database files; undefined or `memory://…` keeps everything in memory. */
  dataDir?: string;
  /** Schema to create (if missing) and put alone on the search_path. */
  schema?: string;
}

/** Embedded PostgreSQL (PGlite, WebAssembly) in this process: no server to run. */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  const quotedSchema = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  const dataDir = onDiskDataDir(options.dataDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });

  const client = await PGlite.create(dataDir ?? options.dataDir);
  if (quotedSchema !== undefined) {
    try {
      // PGlite is a single session, so a plain SET holds for every later query.
      await client.exec(
        `create schema if not exists ${quotedSchema}; set search_path to ${quotedSchema};`,
      );
    } catch (error) {
      await client.close();
      throw error;
    }
  }
  const db: DbClient = drizzle({ client, schema });

  // drizzle's migrator reads the applied migrations before opening its transaction, so two
  // overlapping calls in this process would both try to apply the same files. Chain them.
  let migrating: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    kind: "pglite",
    db,
    migrate() {
      const run = () =>
        migrate(drizzle({ client }), {
          migrationsFolder,
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
      closing ??= client.close();
      return closing;
    },
  };
}

/** The absolute directory for an on-disk database, or undefined for an in-memory one. */
function onDiskDataDir(dataDir: string | undefined): string | undefined {
  if (dataDir === undefined || dataDir.startsWith("memory://")) return undefined;
  return resolve(dataDir);
}
