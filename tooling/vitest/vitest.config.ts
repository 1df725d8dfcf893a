import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One vitest run over every package and app: the README's `pnpm test` and CI use this,
// so the whole suite reports one total. Each package also runs alone with `pnpm --filter <pkg> test`.
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  test: {
    root,
    projects: ["packages/*", "apps/*"],
    // Vitest's default on this 2-core machine is one worker (cores - 1), but many e2e files spend
    // their time waiting on spawned gateways, sockets and timers: one file per core keeps both
    // busy. Three was tried and was slower (every file re-imports the gateway's module graph, and
    // that is CPU). VITEST_MAX_WORKERS overrides it (e.g. 1 to debug a flaky file).
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
