import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm, rmdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";

/**
 * Why a child process: PGlite's first start runs initdb inside the calling process (a second
 * PGlite instance with its own 128 MiB WebAssembly memory, the initdb module, and the new cluster
 * dumped to an in-memory tarball and unpacked). None of that memory goes back to the OS after
 * it is freed: measured on node 20, a gateway whose database was initialised in-process idled at
 * ~390 MiB RSS (peak ~800-900 MiB), one that opened an initialised directory at ~230 MiB (peak
 * ~280). Running initdb in a short-lived child gives every first start the second figure.
 */
const INIT_SCRIPT = `
const [pglitePath, dataDir] = process.argv.slice(1);
require(pglitePath).PGlite.create(dataDir).then((db) => db.close()).then(
  () => process.exit(0),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);`;

/** How long initdb may take in the child: it runs synchronously and is slow on a loaded box. */
const INIT_TIMEOUT_MS = 300_000;

export interface InitDataDirResult {
  /** The child process that ran initdb, or undefined when the directory was left to PGlite. */
  childPid: number | undefined;
}

/**
 * Creates a new PGlite cluster in `dataDir` in a child process, when `dataDir` is empty. A
 * directory holding anything (an existing cluster, or files we do not know) is left as it is:
 * PGlite then opens it, or fails on it, exactly as it would have. The child writes into a
 * sibling directory that is renamed into place only once initdb finished, so an interrupted
 * first start never leaves a half-initialised cluster behind. Callers hold the data-dir lock.
 */
export async function initPgliteDataDir(dataDir: string): Promise<InitDataDirResult> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return { childPid: undefined };
  if ((await readdir(dataDir)).length > 0) return { childPid: undefined };
  const staging = `${dataDir}.initdb-${process.pid}`;
  await removeStaleStaging(dataDir);
  // The CommonJS build: the child needs no loader and no module resolution of its own.
  const pglitePath = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  try {
    const childPid = await new Promise<number | undefined>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ["-e", INIT_SCRIPT, pglitePath, staging],
        // An empty environment: node is started by its absolute path and initdb writes only into
        // `staging`, so it needs none; the parent's secrets (master key, provider keys, database
        // URLs) and NODE_OPTIONS (a loader, an inspector flag) stay out. This package reads no
        // process.env.
        {
          env: {},
          timeout: INIT_TIMEOUT_MS,
          maxBuffer: 1 << 20,
        },
        (error, _stdout, stderr) => {
          if (error) {
            const detail = String(stderr).trim().split("\n").slice(0, 5).join("\n");
            reject(
              new Error(
                `initialising the embedded database in ${dataDir} failed: ${detail || error.message}`,
              ),
            );
          } else resolve(child.pid);
        },
      );
    });
    await rmdir(dataDir);
    await rename(staging, dataDir);
    return { childPid };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * A first start killed during initdb (kill -9, a power cut) leaves its staging folder behind,
 * named after its pid. The caller holds the data-dir lock, so no live process is initialising
 * this directory: every `<dataDir>.initdb-<pid>` sibling is left over and goes.
 */
async function removeStaleStaging(dataDir: string): Promise<void> {
  const prefix = `${basename(dataDir)}.initdb-`;
  const parent = dirname(dataDir);
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      await rm(join(parent, name), { recursive: true, force: true });
  }
}
