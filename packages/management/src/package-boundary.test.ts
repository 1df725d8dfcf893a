import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Dependencies go one way: @org/management builds on @org/budgets, and budgets (the request's hot
// path) never loads the management code. Something both need belongs in budgets, exported.
const packages = fileURLToPath(new URL("../..", import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every module specifier in `import ... from "x"`, `export ... from "x"` and `import("x")`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(
    /\bfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g,
  )) {
    found.push((match[1] ?? match[2])!);
  }
  return found;
}

describe("package boundary between @org/budgets and @org/management", () => {
  it("budgets does not depend on management in its manifest", async () => {
    const manifest = JSON.parse(
      await readFile(join(packages, "budgets", "package.json"), "utf8"),
    ) as Record<string, Record<string, string> | undefined>;
    for (const field of [
      "dependencies",
      "devDependencies",
      "peerDependencies",
      "optionalDependencies",
    ]) {
      expect(Object.keys(manifest[field] ?? {}), field).not.toContain("@org/management");
    }
  });

  it("no budgets source imports management", async () => {
    const files = await sourceFiles(join(packages, "budgets", "src"));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(await readFile(file, "utf8"))) {
        if (specifier.startsWith("@org/management") || /(^|\/)management\//.test(specifier)) {
          offenders.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("management reaches other packages only through their public exports", async () => {
    const files = await sourceFiles(join(packages, "management", "src"));
    const offenders: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(await readFile(file, "utf8"))) {
        // A relative path out of src, or a deep import into a package, bypasses its index.
        if (specifier.startsWith("../../") || /^@org\/[^/]+\/./.test(specifier)) {
          offenders.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
