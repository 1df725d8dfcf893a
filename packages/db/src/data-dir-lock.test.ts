import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.ts";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "db-lock-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("lockDataDir", () => {
  it("refuses a second holder, naming the directory and the pid holding it", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const lock = lockDataDir(dataDir);
    try {
      const error = (() => {
        try {
          lockDataDir(dataDir);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(dataDir);
      expect((error as Error).message).toContain(`pid ${process.pid}`);
    } finally {
      lock.release();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    lockDataDir(dataDir).release(); // free again after release
  });

  it("takes over a lock whose pid no longer runs", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const pid = deadPid();
    await writeFile(`${dataDir}.lock`, JSON.stringify({ pid, host: hostname(), since: "x" }));
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(await readFile(lock.file, "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it("takes over a lock with our own pid that this process does not hold (pid reused after a restart)", async () => {
    const dataDir = join(await tempDir(), "pglite");
    await writeFile(
      `${dataDir}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), since: "x" }),
    );
    lockDataDir(dataDir).release();
  });

  it("refuses a fresh lock from another host, takes one that stopped being refreshed", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const file = `${dataDir}.lock`;
    await writeFile(file, JSON.stringify({ pid: 1, host: "elsewhere", since: "x" }));
    expect(() => lockDataDir(dataDir)).toThrow(/pid 1 on host elsewhere/);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(file, old, old);
    lockDataDir(dataDir).release();
  });

  it("takes over an unreadable (truncated) lock file", async () => {
    const dataDir = join(await tempDir(), "pglite");
    await writeFile(`${dataDir}.lock`, "");
    lockDataDir(dataDir).release();
  });

  it("release never removes a lock someone else took after ours was broken", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const lock = lockDataDir(dataDir);
    const other = JSON.stringify({ pid: 1, host: "elsewhere", since: "x" });
    await writeFile(lock.file, other);
    lock.release();
    expect(await readFile(lock.file, "utf8")).toBe(other);
  });
});

/**
 * Starts `count` processes at once, each trying to take the lock; resolves with what each
 * printed ("won" or "refused"). A winner holds the lock until every process has answered (its
 * stdin is closed then), so a slow starter can never find it free again.
 */
async function race(dataDir: string, count: number): Promise<string[]> {
  const lockModule = fileURLToPath(new URL("./data-dir-lock.ts", import.meta.url));
  const script = `
    const { lockDataDir } = await import(${JSON.stringify(lockModule)});
    try {
      const lock = lockDataDir(${JSON.stringify(dataDir)});
      process.stdout.write("won\\n");
      process.stdin.on("end", () => lock.release()).resume();
    } catch (error) {
      process.stdout.write((error.name === "DataDirLockedError" ? "refused" : String(error)) + "\\n");
      process.exit(0);
    }`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]),
  );
  const answers = children.map(
    (child) =>
      new Promise<string>((resolve) => {
        let out = "";
        const done = () => resolve(out.trim());
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) done();
        });
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("close", done);
      }),
  );
  const results = await Promise.all(answers);
  for (const child of children) child.stdin.end();
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode === null ? c.on("close", r) : r(null)))),
  );
  return results;
}

describe("lockDataDir across processes started together", { timeout: 120_000 }, () => {
  it("exactly one of several racing processes gets a free directory", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const results = await race(dataDir, 5);
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    expect(results.filter((r) => r === "refused")).toHaveLength(4);
  });

  it("exactly one of several racing processes takes over a stale lock", async () => {
    const dataDir = join(await tempDir(), "pglite");
    await writeFile(
      `${dataDir}.lock`,
      JSON.stringify({ pid: deadPid(), host: hostname(), since: "x" }),
    );
    const results = await race(dataDir, 5);
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    expect(results.filter((r) => r === "refused")).toHaveLength(4);
  });
});

describe("createDb on an on-disk PGlite directory", { timeout: 120_000 }, () => {
  it("lets one Database open a directory at a time and frees it on close", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const first = await createDb({ dataDir });
    await expect(createDb({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    // Another path to the same directory is the same directory.
    const link = join(dirname(dataDir), "link-to-pglite");
    await symlink(dataDir, link);
    await expect(createDb({ dataDir: link })).rejects.toThrow(link);
    await first.close();
    const second = await createDb({ dataDir });
    await second.ping();
    await second.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
