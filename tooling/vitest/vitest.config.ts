import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One vitest run over every package and app: the README's `pnpm test` and CI use this,
// so the whole suite reports one total. Each package also runs alone with `pnpm --filter <pkg> test`.
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  test: {
    root,
    projects: ["packages/*", "apps/*"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
