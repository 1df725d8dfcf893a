// `pnpm db:generate [--name <migration_name>]`: drizzle-kit generate, then make the new SQL
// schema-neutral.
//
// drizzle-kit writes foreign keys as `REFERENCES "public"."teams"(...)` even for tables
// declared without a schema. createDb({ schema }) isolates tenants and tests by setting
// search_path, so a hard-coded "public" would point every tenant's foreign keys at the
// public schema (or fail where it has no such table). Stripping the qualifier lets each
// migration create its objects in whichever schema search_path selects.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const migrationsDir = fileURLToPath(new URL("../drizzle/", import.meta.url));

const result = spawnSync("drizzle-kit", ["generate", ...process.argv.slice(2)], {
  cwd: packageDir,
  stdio: "inherit",
  shell: process.platform === "win32",
});
if (result.status !== 0) process.exit(result.status ?? 1);

for (const file of readdirSync(migrationsDir).filter((name) => name.endsWith(".sql"))) {
  const path = migrationsDir + file;
  const original = readFileSync(path, "utf8");
  const neutral = original.replaceAll('"public".', "");
  if (neutral !== original) {
    writeFileSync(path, neutral);
    console.log(`removed "public". qualifiers from drizzle/${file}`);
  }
}
