import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrationsFolder } from "./migrations-folder.ts";

describe("generated migrations", () => {
  const sqlFiles = readdirSync(migrationsFolder).filter((name) => name.endsWith(".sql"));

  it("are found next to the package, whatever the working directory", () => {
    expect(migrationsFolder).toMatch(/packages[/\\]db[/\\]drizzle$/);
    expect(sqlFiles.length).toBeGreaterThan(0);
  });

  it("match the journal drizzle's migrator reads", () => {
    const journal = JSON.parse(
      readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
    ) as {
      entries: { tag: string }[];
    };
    expect(journal.entries.map((entry) => `${entry.tag}.sql`)).toEqual([...sqlFiles].sort());
  });

  it('never name the "public" schema, so search_path can place them (run pnpm db:generate)', () => {
    for (const file of sqlFiles) {
      expect(readFileSync(join(migrationsFolder, file), "utf8"), file).not.toContain('"public".');
    }
  });

  it("never add a plaintext key or credentials column", () => {
    const text = sqlFiles
      .map((file) => readFileSync(join(migrationsFolder, file), "utf8"))
      .join("\n");
    expect(text).not.toMatch(/"token"\s/);
    expect(text).not.toMatch(/"litellm_params"\s/);
    expect(text).not.toMatch(/"password"\s/);
  });
});
