import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { initPgliteDataDir } from "./init-pglite-data-dir.ts";

// initdb in WebAssembly takes 10-30 s on a loaded 2-core machine: one fresh cluster per file.
const SLOW = 180_000;

describe("initPgliteDataDir", { timeout: SLOW }, () => {
  let tempDir: string;
  let dataDir: string;
  let childPid: number | undefined;

  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), "db-initdb-"));
    dataDir = join(tempDir, "pglite");
    await mkdir(dataDir);
    // What a first start killed during initdb leaves behind (another pid's staging folder).
    await mkdir(join(tempDir, "pglite.initdb-999999"));
    await writeFile(join(tempDir, "pglite.initdb-999999", "PG_VERSION"), "half");
    ({ childPid } = await initPgliteDataDir(dataDir));
  }, SLOW);
  afterAll(() => rm(tempDir, { recursive: true, force: true }));

  it("runs initdb for an empty directory in another process, and leaves no staging folder (nor an earlier start's)", async () => {
    expect(childPid).toBeTypeOf("number");
    expect(childPid).not.toBe(process.pid);
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
    expect(await readdir(tempDir)).toEqual(["pglite"]);
  });

  it("leaves an initialised cluster alone", async () => {
    const before = await readFile(join(dataDir, "PG_VERSION"), "utf8");
    await expect(initPgliteDataDir(dataDir)).resolves.toEqual({ childPid: undefined });
    expect(await readFile(join(dataDir, "PG_VERSION"), "utf8")).toBe(before);
  });

  it("does not touch a directory holding files that are not a cluster", async () => {
    const other = join(tempDir, "not-a-cluster");
    await mkdir(other);
    await writeFile(join(other, "notes.txt"), "mine");
    await expect(initPgliteDataDir(other)).resolves.toEqual({ childPid: undefined });
    expect(await readdir(other)).toEqual(["notes.txt"]);
    await rm(other, { recursive: true });
  });

  it("the database opened on it runs with small shared buffers and keeps its data", async () => {
    const first = await createDb({ dataDir });
    try {
      await first.migrate();
      // PostgreSQL's default is 128MB, all of it resident in this process's WebAssembly memory.
      expect(await first.raw.query("show shared_buffers")).toEqual([{ shared_buffers: "16MB" }]);
      // initdb's settings survive (-c on the command line does not replace postgresql.conf).
      expect(await first.raw.query("show timezone")).toEqual([{ TimeZone: "UTC" }]);
      await first.raw.query("insert into teams (id, team_alias) values ('t-init', 'kept')");
    } finally {
      await first.close();
    }
    const second = await createDb({ dataDir });
    try {
      expect(await second.raw.query("select team_alias from teams where id = 't-init'")).toEqual([
        { team_alias: "kept" },
      ]);
    } finally {
      await second.close();
    }
  });
});
