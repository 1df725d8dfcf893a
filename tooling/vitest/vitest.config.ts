import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One vitest run over every package and app: the README's `pnpm test` and CI use this,
// so the whole suite reports one total. Each package also runs alone with `pnpm --filter <pkg> test`.
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  test: {
    root,
    // Packages without a vitest config of their own run with this file's settings (`extends`):
    // a project found by a glob would get vitest's defaults instead (a 5 s test timeout, which
    // CPU-heavy tests pass alone and miss when the whole suite runs on 2 loaded cores).
    projects: [...packageProjects(), "apps/*"],
    // Vitest's default on this 2-core machine is one worker (cores - 1), but many e2e files spend
    // their time waiting on spawned gateways, sockets and timers: one file per core keeps both
    // busy. Three was tried and was slower (every file re-imports the gateway's module graph, and
    // that is CPU). VITEST_MAX_WORKERS overrides it (e.g. 1 to debug a flaky file).
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

/** `packages/<name>` as projects that inherit the settings above (their own config if they have one). */
function packageProjects() {
  const dir = join(root, "packages");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "package.json")))
    .map((name) => {
      const folder = join(dir, name);
      if (readdirSync(folder).some((file) => file.startsWith("vitest.config."))) return folder;
      const { name: packageName } = JSON.parse(
        readFileSync(join(folder, "package.json"), "utf8"),
      ) as { name: string };
      return { extends: true, test: { name: packageName, root: folder } };
    });
}
