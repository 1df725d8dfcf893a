import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup: compiles dist/server.mjs from the current sources once, before any test
 * file runs, so the tests that start the gateway as `pnpm start` does (spawn-gateway.ts) run
 * today's code, never a stale build.
 */
export default function buildServer(): void {
  const script = fileURLToPath(new URL("../../scripts/build-server.mjs", import.meta.url));
  execFileSync(process.execPath, [script, "--quiet"], { stdio: "inherit" });
}
