import { defineConfig } from "vitest/config";

// The gateway's tests start real servers (embedded PGlite, child processes): give them room
// on a loaded 2-core machine. The root config (tooling/vitest) sets the same for `pnpm test`.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The tests that spawn the gateway process run the compiled server, as `pnpm start` does.
    globalSetup: ["./src/testing/build-server.global-setup.ts"],
  },
});
