import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pgliteTemplate } from "./pglite-template.ts";

/**
 * Vitest global setup, once before any test file runs:
 * - compiles dist/server.mjs from the current sources, so the tests that start the gateway as
 *   `pnpm start` does (spawn-gateway.ts) run today's code, never a stale build;
 * - builds the test gateways' PGlite template (pglite-template.ts) if this checkout has none for
 *   the current migrations, so the first gateway of each file copies it instead of building it
 *   inside a `beforeAll` while other workers wait (a timeout on a fresh, loaded CI machine).
 */
export default async function globalSetup(): Promise<void> {
  const script = fileURLToPath(new URL("../../scripts/build-server.mjs", import.meta.url));
  execFileSync(process.execPath, [script, "--quiet"], { stdio: "inherit" });
  if (!process.env.GATEWAY_TEST_FRESH_PGLITE) await pgliteTemplate();
}
