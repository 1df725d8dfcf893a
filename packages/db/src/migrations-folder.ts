import { fileURLToPath } from "node:url";

/**
 * Absolute path of the generated migrations (`packages/db/drizzle`). Resolved from this
 * module's own location, not the working directory, so it is found wherever the gateway is
 * started from, both from `src/` in the repo and from `dist/` in the published package.
 */
export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));
