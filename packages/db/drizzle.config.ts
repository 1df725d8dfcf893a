import { defineConfig } from "drizzle-kit";

// Used only by `pnpm db:generate` (drizzle-kit). Paths are relative to this package, which
// is where pnpm runs package scripts. No `dbCredentials`: generation diffs the schema
// against the committed snapshots in drizzle/meta and never connects to a database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
});
