import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/**
 * The repo's own `examples/` folder (<repo>/apps/gateway/src/testing -> <repo>/examples). Tests
 * read the examples from inside the repo only, so a plain `git clone` runs them.
 */
export const EXAMPLES_DIR = fileURLToPath(new URL("../../../../examples/", import.meta.url));

/** The path of one example file; throws naming the path when it is missing. */
export function examplePath(name: string): string {
  const path = join(EXAMPLES_DIR, name);
  if (!existsSync(path)) throw new Error(`example ${name} not found at ${path}`);
  return path;
}
