// Builds the dashboard into dist/ when dist is missing or older than a source file (or always,
// with --force). Run by the root package.json on `pnpm install` (postinstall) and before
// `pnpm start`, so a fresh clone serves the real UI without a separate build step.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const builtPage = join(root, "dist", "index.html");

/** Newest modification time under the given paths (files or folders). */
function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
    } else {
      latest = Math.max(latest, stat.mtimeMs);
    }
  }
  return latest;
}

const sources = ["src/ui", "src/lib", "index.html", "vite.config.ts", "package.json"].map((p) =>
  join(root, p),
);
const force = process.argv.includes("--force");
if (!force && existsSync(builtPage) && statSync(builtPage).mtimeMs >= newest(sources)) {
  process.exit(0);
}
process.stderr.write("Building the dashboard (apps/dashboard/dist)...\n");
// vite's own bin through node: works the same from any folder and needs no shell.
const vite = join(root, "node_modules", "vite", "bin", "vite.js");
if (!existsSync(vite)) {
  // A production install (NODE_ENV=production) leaves out build tools: the gateway then serves a
  // page saying how to build the dashboard instead of failing to start.
  process.stderr.write(
    "The dashboard's build tools are not installed (a --prod install?); /ui will say how to build it.\n",
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
  cwd: root,
  stdio: "inherit",
  // A production bundle whatever the caller's NODE_ENV (vitest sets "test", which would give
  // React's development build: slower, and noisy in the console).
  env: { ...process.env, NODE_ENV: "production" },
});
process.exit(result.status ?? 1);
