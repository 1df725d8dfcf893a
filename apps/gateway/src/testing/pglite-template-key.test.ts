import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templateKey } from "./pglite-template.ts";
import { REPO_ROOT } from "./repo-root.ts";

// Test gateways copy a cluster built once and named by templateKey(): anything that changes the
// cluster a first start makes must change the name, or the tests keep copying a stale cluster
// and hide the change (a broken migration, a new initdb option). Checked on a copy of the
// checkout's files, edited one at a time.

const INPUTS = [
  "packages/db/drizzle",
  "packages/db/src/init-pglite-data-dir.ts",
  "packages/db/src/open-pglite-database.ts",
  "packages/db/src/apply-migrations.ts",
];

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pglite-template-key-"));
  for (const path of INPUTS) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await cp(join(REPO_ROOT, path), join(root, path), { recursive: true });
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the PGlite test template's key", () => {
  it("is the same for the same files, and differs for another PGlite", async () => {
    const key = await templateKey(root, "0.5.16");
    expect(await templateKey(root, "0.5.16")).toBe(key);
    expect(await templateKey(root, "0.5.17")).not.toBe(key);
  });

  it.each([
    ["a new migration", "packages/db/drizzle/9999_new.sql"],
    ["an edited migration", "packages/db/drizzle/0000_initial.sql"],
    ["the journal (which migrations run)", "packages/db/drizzle/meta/_journal.json"],
    ["the initdb child's code", "packages/db/src/init-pglite-data-dir.ts"],
    ["the code that opens the cluster", "packages/db/src/open-pglite-database.ts"],
    ["the migrator", "packages/db/src/apply-migrations.ts"],
  ])("changes with %s", async (_what, path) => {
    const before = await templateKey(root, "0.5.16");
    const file = join(root, path);
    if (path.endsWith("9999_new.sql")) await writeFile(file, "select 1;\n");
    else await appendFile(file, "\n");
    expect(await templateKey(root, "0.5.16")).not.toBe(before);
  });
});
