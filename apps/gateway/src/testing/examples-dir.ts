import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./repo-root.ts";

/**
 * The repo's own `examples/` folder (<repo>/apps/gateway/src/testing -> <repo>/examples). Tests
 * read the examples from inside the repo only, so a plain `git clone` runs them.
 */
export const EXAMPLES_DIR = join(REPO_ROOT, "examples");

/** The path of one example file; throws naming the path when it is missing. */
export function examplePath(name: string): string {
  const path = join(EXAMPLES_DIR, name);
  if (!existsSync(path)) throw new Error(`example ${name} not found at ${path}`);
  return path;
}
