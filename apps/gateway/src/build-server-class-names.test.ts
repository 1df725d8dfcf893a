import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { compiledServer } from "./testing/spawn-gateway.ts";

// The compiled server is built without esbuild's keepNames (a call per closure on the request
// path). Then, where two bundled modules declare a class of the same name, esbuild renames one
// (`TimeoutError2`), and `new.target.name` (GatewayError's `name`, which logs, webhook failure
// causes and local-error messages show) silently changes. None collide today; this says so
// the day one does, so the clash is renamed in the sources rather than shipped.

function bundleFiles(): string[] {
  const dir = dirname(compiledServer);
  const chunks = join(dir, "chunks");
  let chunkFiles: string[] = [];
  try {
    chunkFiles = readdirSync(chunks)
      .filter((name) => name.endsWith(".mjs"))
      .map((name) => join(chunks, name));
  } catch {
    // a build without chunks
  }
  return [compiledServer, ...chunkFiles];
}

describe("the compiled server's class names", () => {
  it("keeps every class's source name: no error class renamed by the bundler", () => {
    const declared = new Set<string>();
    for (const file of bundleFiles()) {
      // `class X` and esbuild's `var X = class ...` (whose `name` is the variable's).
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(
        /\bclass\s+([A-Za-z_$][\w$]*)|\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*class\b/g,
      )) {
        declared.add((match[1] ?? match[2])!);
      }
    }
    expect(declared.has("GatewayError")).toBe(true);
    // esbuild renames a clash by appending a number to a name that is also declared.
    const renamed = [...declared].filter((name) => {
      const base = /^(.*\D)\d+$/.exec(name)?.[1];
      return base !== undefined && declared.has(base);
    });
    expect(renamed).toEqual([]);
  });
});
