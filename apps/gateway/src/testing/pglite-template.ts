import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import {
  cp,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createDb } from "@org/db";
import { REPO_ROOT } from "./repo-root.ts";

/**
 * Why a template: a test gateway on an empty data folder runs PGlite's initdb (a child node
 * process) and then every migration before it answers. Measured on a 2-core box with other
 * work running (load ~4): ~15 s per gateway (initdb ~11 s, open ~2 s, migrations ~2.4 s), paid
 * by every `startTestGateway` without a DATABASE_URL (~90 calls in ~70 test files, some in
 * loops). Copying a folder that was initialised and migrated once cost ~1.2 s there (a 40 MB
 * copy, the open, a migrate that finds nothing to do). What the copy skips is tested where it is the subject:
 * initdb in packages/db (init-pglite-data-dir, create-db) and the spawned first starts
 * (start-process, startup-progress); the migrations in packages/db (apply-migrations).
 */

/** Per checkout, so it goes with `node_modules` and two checkouts never share one. */
const CACHE = join(REPO_ROOT, "node_modules/.cache/gateway-test-pglite");
/** Written last into the template: a folder without it is a build that did not finish. */
const READY = "gateway-test-template-ready";

/** How long a worker waits for another's template build before building its own. */
const BUILD_WAIT_MS = 300_000;

let template: Promise<string> | undefined;

/**
 * Fills `pgliteDir` (absent or empty) with an initialised, fully migrated PGlite cluster, as the
 * gateway would have left it after its first start, minus anything the gateway itself writes.
 */
export async function seedPgliteFromTemplate(pgliteDir: string): Promise<void> {
  const from = await pgliteTemplate().catch((error: unknown) => {
    template = undefined; // the next gateway tries again rather than failing the same way
    throw error;
  });
  await cp(from, pgliteDir, { recursive: true, filter: (source) => !source.endsWith(READY) });
}

/**
 * The template's folder, built (or found) once per process. The gateway's vitest global setup
 * calls it before any test file runs, so no test's `beforeAll` (60 s limit) waits for a build
 * on a fresh checkout or after a migration changed.
 */
export function pgliteTemplate(): Promise<string> {
  template ??= buildTemplate();
  return template;
}

/**
 * What shapes the template's cluster, besides the migrations' SQL: the journal (which migrations
 * drizzle applies, and when it thinks each was made), the code that runs initdb and opens the
 * cluster (its options, extensions), and the migrator (its bookkeeping). A change to any of them
 * must build a new template, or tests would keep copying a cluster the new code never makes.
 */
const CLUSTER_SOURCES = [
  "packages/db/drizzle/meta/_journal.json",
  "packages/db/src/init-pglite-data-dir.ts",
  "packages/db/src/open-pglite-database.ts",
  "packages/db/src/apply-migrations.ts",
];

/**
 * The template's name: a hash of everything its cluster is made from (the migrations, the files
 * above, the PGlite version), so an edit to any of them is a new template, never a stale one.
 * `root` is the checkout (a test points it at a copy).
 */
export async function templateKey(root: string, pglite: string): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`pglite ${pglite}\n`);
  const migrations = join(root, "packages/db/drizzle");
  for (const name of (await readdir(migrations)).filter((n) => n.endsWith(".sql")).sort()) {
    hash.update(`${name}\n`).update(await readFile(join(migrations, name)));
  }
  for (const path of CLUSTER_SOURCES) {
    hash.update(`${path}\n`).update(await readFile(join(root, path)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function buildTemplate(): Promise<string> {
  const dir = join(CACHE, await templateKey(REPO_ROOT, await pgliteVersion()));
  if (existsSync(join(dir, READY))) {
    // Marks it in use, so a newer template's clean-up (below) leaves it to the runs copying it.
    const now = new Date();
    await utimes(dir, now, now).catch(() => {});
    return dir;
  }

  // Test files run in several workers at once and the first of each usually gets here together:
  // one builds (it holds `<template>.building`, holding its pid) while the others wait for its
  // template, since a build is ~15 s of CPU on a loaded box. A claim whose builder is gone (a run
  // killed mid-build) is taken over; after BUILD_WAIT_MS a waiter builds its own regardless.
  await mkdir(CACHE, { recursive: true });
  const claim = `${dir}.building`;
  const giveUpAt = Date.now() + BUILD_WAIT_MS;
  let claimed = false;
  while (!claimed && Date.now() < giveUpAt) {
    if (existsSync(join(dir, READY))) return dir;
    claimed = await writeFile(claim, String(process.pid), { flag: "wx" }).then(
      () => true,
      () => false,
    );
    if (!claimed) {
      if (await claimIsStale(claim)) await rm(claim, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // Each builds in its own staging folder and the first rename wins; a loser uses the winner's.
  const staging = join(CACHE, `staging-${process.pid}-${randomUUID()}`);
  try {
    const db = await createDb({ dataDir: staging });
    try {
      await db.migrate();
    } finally {
      await db.close();
    }
    await writeFile(join(staging, READY), "");
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, READY))) throw error;
    });
    await removeOldTemplates(dir);
    return dir;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(`${staging}.lock`, { force: true });
    if (claimed) await rm(claim, { force: true });
  }
}

/** The version of the PGlite that @org/db opens (its package.json is not in its exports). */
async function pgliteVersion(): Promise<string> {
  let dir = dirname(
    createRequire(join(REPO_ROOT, "packages/db/package.json")).resolve("@electric-sql/pglite"),
  );
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(await readFile(manifest, "utf8")) as {
        name?: string;
        version?: string;
      };
      if (name === "@electric-sql/pglite" && version) return version;
    }
    if (dirname(dir) === dir) throw new Error("cannot find @electric-sql/pglite's package.json");
    dir = dirname(dir);
  }
}

/**
 * A new template means the migrations (or PGlite) changed: the earlier ones (40 MB each) are
 * never used again by this checkout, nor are staging folders of a build that was killed. Only
 * those no test file has used for an hour go, so a run that started before the change can still
 * copy its own.
 */
async function removeOldTemplates(current: string): Promise<void> {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of await readdir(CACHE)) {
    const path = join(CACHE, name);
    if (path === current) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < hourAgo) await rm(path, { recursive: true, force: true });
  }
}

/** A build claim is stale when its process is gone, or it never got a pid (written at once). */
async function claimIsStale(claim: string): Promise<boolean> {
  const [text, info] = await Promise.all([
    readFile(claim, "utf8").catch(() => undefined),
    stat(claim).catch(() => undefined),
  ]);
  if (text === undefined || info === undefined) return false; // gone already: claim it next
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - info.mtimeMs > 10_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
