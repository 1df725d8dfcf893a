import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compiledServer } from "./testing/spawn-gateway.ts";

// `pnpm start` runs the compiled server (scripts/build-server.mjs, built for this run by the
// vitest global setup). createDb imports its driver dynamically so a gateway loads only the one
// it opens: PGlite and pgvector (~10 MiB of modules) on PostgreSQL, postgres.js embedded. A
// single-file ES bundle hoists every bundled module's static imports to its top, which loads
// both drivers at start whatever the database: the build must keep them behind the dynamic
// imports (code splitting), and this reads what Node evaluates before main() runs.

const DRIVERS = [
  /\/@electric-sql\/pglite\//,
  /\/@electric-sql\/pglite-pgvector\//,
  /\/node_modules\/postgres\//,
];

/** The specifiers of a module's top-level static imports and re-exports (esbuild's output). */
function staticImports(source: string): string[] {
  const out: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)";/gm)) {
    out.push(match[1]!);
  }
  for (const match of source.matchAll(/^import\s*"([^"]+)";/gm)) out.push(match[1]!);
  return out;
}

/** Every file Node loads before the entry's code runs: its static import graph. */
function loadedAtStart(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".mjs")) continue; // third-party modules: named, not followed
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith("./") || specifier.startsWith("../")) {
        pending.push(resolve(dirname(file), specifier));
      } else {
        seen.add(specifier);
      }
    }
  }
  return [...seen];
}

describe("the compiled server (build-server.mjs)", () => {
  it("loads no database driver at start: each is behind createDb's dynamic import", () => {
    const loaded = loadedAtStart(compiledServer);
    // The graph was read: the server's own third-party imports are there.
    expect(loaded.some((file) => file.includes("/node_modules/hono/"))).toBe(true);
    expect(loaded.some((file) => file.includes("/node_modules/drizzle-orm/"))).toBe(true);
    for (const driver of DRIVERS) {
      expect(
        loaded.filter((file) => driver.test(file)),
        `${driver} is loaded at start`,
      ).toEqual([]);
    }
  });

  it("still reaches each driver through its dynamic import", () => {
    const source = readFileSync(compiledServer, "utf8");
    const lazy = [...source.matchAll(/\bimport\("(\.[^"]+)"\)/g)].map((match) =>
      resolve(dirname(compiledServer), match[1]!),
    );
    expect(lazy.length).toBeGreaterThanOrEqual(2);
    for (const file of lazy) expect(existsSync(file), file).toBe(true);
    const reached = lazy.flatMap((file) => loadedAtStart(file));
    for (const driver of DRIVERS) {
      expect(
        reached.some((file) => driver.test(file)),
        `${driver} behind a dynamic import`,
      ).toBe(true);
    }
  });
});
