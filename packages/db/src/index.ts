export { createDb, type CreateDbOptions } from "./create-db.ts";
export type { Database } from "./database.ts";
export type { MigrateOptions, MigrateResult, MigrationStep } from "./apply-migrations.ts";
export { DataDirLockedError } from "./data-dir-lock.ts";
export type { DbClient, DbSchema } from "./db-client.ts";
export { executeRows } from "./execute-rows.ts";
export { canCopyCsv, copyCsv } from "./copy-csv.ts";
export type { RawSql } from "./raw-sql.ts";
export * from "./schema/index.ts";
