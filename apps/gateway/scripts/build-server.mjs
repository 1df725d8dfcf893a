#!/usr/bin/env node
// Compiles the gateway server (src/main.ts and every @org/* package it imports) into one ES
// module, dist/server.mjs, that plain `node` runs without tsx. Why (measured in tooling/bench,
// issue 22): under tsx every module passes through a loader in a second V8 isolate (50-100 MiB
// more RSS), and tsx's transform keeps function names by wrapping every closure the request path
// creates in `__name(fn, "...")` (an Object.defineProperty per closure per request).
//
// What stays as it is in the sources:
// - third-party packages are not bundled: each import is resolved here, from the file that
//   imports it (pnpm gives every package only its own dependencies), and left as an import of
//   that absolute file. Their own assets (PGlite's WebAssembly, tiktoken's ranks) are found as
//   always. So the output runs only in the checkout that built it (`pnpm start` and the Docker
//   image both build in place).
// - `import.meta.url` in our sources is replaced by the URL of the source file it is written in,
//   so paths built from it (drizzle migrations, the dashboard's dist folder) stay right.
// - dynamic imports stay lazy (createDb loads only the database driver it opens): esbuild's
//   code splitting puts each dynamically imported module in its own chunk (dist/chunks/), as
//   one file would hoist the drivers' static imports to its top and load PGlite, pgvector and
//   postgres.js at start whichever database is opened (build-server-lazy-imports.test.ts).
//
// Usage: node apps/gateway/scripts/build-server.mjs [--quiet] [--outfile path/to/server.mjs]
// (the bench writes its own copy, so a test run rebuilding dist/ meanwhile cannot change the file
// its profile is mapped through). The files are written under a temporary name and renamed, so
// a process starting the server at that moment reads the old build or the new one, never half.
import { build } from "esbuild";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = fileURLToPath(new URL("../../..", import.meta.url));
const outfileAt = process.argv.indexOf("--outfile");
const outfile =
  outfileAt > 0
    ? resolve(process.argv[outfileAt + 1])
    : fileURLToPath(new URL("../dist/server.mjs", import.meta.url));

/** Our own sources: the workspace's apps/ and packages/, never a node_modules folder. */
function isWorkspaceSource(path) {
  return (
    path.startsWith(repoDir) &&
    !path.includes("/node_modules/") &&
    (path.startsWith(`${repoDir}apps/`) || path.startsWith(`${repoDir}packages/`))
  );
}

const workspaceOnly = {
  name: "workspace-only",
  setup(pluginBuild) {
    // Bare specifiers (`hono`, `@electric-sql/pglite`, `node:fs`), except our @org/* packages.
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { resolving: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (isWorkspaceSource(resolved.path)) return { path: resolved.path };
      // A Node built-in named without `node:` (`fs`), left for Node to resolve.
      if (!resolved.path.startsWith("/")) return { path: args.path, external: true };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return { contents: source, loader: "ts" };
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

const result = await build({
  absWorkingDir: appDir,
  entryPoints: ["src/main.ts"],
  // The entry keeps the outfile's name; the chunks are named by their content, so a build never
  // overwrites a chunk that an already running (older) server.mjs imports.
  outdir: dirname(outfile),
  entryNames: basename(outfile, ".mjs"),
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Resolve third-party packages as Node will load them: no bundler-only `module` condition or
  // field (@opentelemetry/api's points at an ES build Node cannot load).
  conditions: [],
  mainFields: ["main"],
  // Readable stack traces: node --enable-source-maps maps them back to the .ts files.
  sourcemap: "linked",
  sourcesContent: false,
  // Names matter only in stack traces (mapped back by the source map); keeping them costs a
  // call per closure created.
  keepNames: false,
  logLevel: process.argv.includes("--quiet") ? "warning" : "info",
  plugins: [workspaceOnly],
  write: false,
  banner: {
    // Code bundled from CommonJS-style helpers may call require(); give it Node's.
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
if (result.errors.length > 0) process.exit(1);
const suffix = `.${process.pid}.tmp`;
// The chunks first, then the maps, the entry last: a server started between two renames finds
// every chunk it imports and a map at least as new as itself.
const rank = (file) =>
  file.path.startsWith(dirname(outfile) + "/chunks/") ? 0 : file.path.endsWith(".map") ? 1 : 2;
const ordered = [...result.outputFiles].sort((a, b) => rank(a) - rank(b));
for (const file of ordered) {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path + suffix, file.contents);
  await rename(file.path + suffix, file.path);
}
