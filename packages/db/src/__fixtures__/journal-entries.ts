import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrationsFolder } from "../migrations-folder.ts";

/** How many migrations drizzle's journal lists: what a fully migrated database has applied. */
export function journalEntryCount(): number {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
  ) as { entries: unknown[] };
  return journal.entries.length;
}
