import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";

/**
 * An embedded (PGlite) data directory belongs to one process: PGlite keeps the database in its
 * own memory and writes it back to the directory, with no locking of its own, so two processes
 * on one directory silently diverge and overwrite each other's writes.
 *
 * The lock is a file next to the directory (`<dir>.lock`), created atomically (a hard link that
 * fails if the name exists, or O_EXCL), holding the owner's pid and host. It is removed on close and on a normal exit;
 * after a crash or `kill -9` it stays behind and is taken over as soon as its pid is no longer
 * alive. A pid can be reused (a container restarted with the same volume runs as pid 1 again,
 * or another host wrote the lock on a shared directory), so the owner also touches the file's
 * mtime every HEARTBEAT_MS: a lock not touched for STALE_AFTER_MS is stale whatever its pid.
 */
export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly pid: number;
  readonly lockFile: string;

  constructor(dataDir: string, lockFile: string, holder: LockHolder) {
    const where =
      holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
    super(
      `The embedded database directory ${dataDir} is in use by another process (${where}, ` +
        `since ${holder.since}). Only one gateway may open it: stop that process, give this one ` +
        `another GATEWAY_DATA_DIR, or set DATABASE_URL so several instances share PostgreSQL. ` +
        `If no such process exists, delete ${lockFile}.`,
    );
    this.name = "DataDirLockedError";
    this.dataDir = dataDir;
    this.pid = holder.pid;
    this.lockFile = lockFile;
  }
}

interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): void;
}

/** How many times a stale lock is taken over before giving up (another process keeps racing). */
const MAX_ATTEMPTS = 5;
/** How often the owner refreshes the lock's mtime. */
const HEARTBEAT_MS = 15_000;
/**
 * A lock untouched for this long is stale even if its pid runs. Generous, because a timer
 * cannot fire while the event loop is blocked (PGlite's first start runs initdb synchronously).
 */
const STALE_AFTER_MS = 120_000;
/** Lock files this process holds: our own pid in a lock we do not hold is a reused pid. */
const heldHere = new Set<string>();

/**
 * Takes the lock on `realDir` (absolute, symlinks resolved) or throws DataDirLockedError naming
 * the holder and `shownDir` (the path the operator gave; `realDir` by default).
 */
export function lockDataDir(realDir: string, shownDir: string = realDir): DataDirLock {
  const dataDir = shownDir;
  const file = `${realDir}.lock`;
  const own: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const content = JSON.stringify(own);

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(file, content)) return held(file, content);
    const existing = readHolder(file);
    if (existing === "missing") continue; // released between our create and our read: try again
    if (existing !== "unreadable" && !isStale(file, file, existing)) {
      throw new DataDirLockedError(dataDir, file, existing);
    }
    // Dead owner (or a half-written file from a crash during creation): take it over. The
    // rename is atomic, so of two processes racing for the same stale lock only one moves it;
    // if what we moved turns out to be a live lock someone just took, we put it back.
    const aside = `${file}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if (isCode(error, "ENOENT")) continue;
      throw error;
    }
    const moved = readHolder(aside);
    if (moved !== "missing" && moved !== "unreadable" && !isStale(file, aside, moved)) {
      try {
        linkSync(aside, file);
      } catch {
        // Someone else holds it now; either way it is not ours.
      }
      unlinkQuietly(aside);
      throw new DataDirLockedError(dataDir, file, moved);
    }
    unlinkQuietly(aside);
  }
  const holder = readHolder(file);
  if (typeof holder === "object") throw new DataDirLockedError(dataDir, file, holder);
  throw new Error(`Could not lock the embedded database directory ${dataDir} (${file})`);
}

function held(file: string, content: string): DataDirLock {
  heldHere.add(file);
  let released = false;
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Removed behind our back; nothing sensible to do from a timer.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    heldHere.delete(file);
    process.removeListener("exit", release);
    // Only remove the file while it is still ours: never someone else's lock.
    try {
      if (readFileSync(file, "utf8") === content) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  // A normal exit (process.exit, an uncaught error) without close() still frees the directory.
  process.on("exit", release);
  return { file, release };
}

/**
 * Creates the lock file with its full content in one step: written to a private file first and
 * hard-linked into place (link fails if the name exists), so no reader ever sees it half
 * written. Filesystems without hard links fall back to an O_EXCL create.
 */
function tryCreate(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    if (!isCode(error, "EPERM") && !isCode(error, "ENOTSUP") && !isCode(error, "EOPNOTSUPP")) {
      throw error;
    }
  } finally {
    unlinkQuietly(tmp);
  }
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(file: string): LockHolder | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return "missing";
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return {
        pid: parsed.pid,
        host: typeof parsed.host === "string" ? parsed.host : "unknown",
        since: typeof parsed.since === "string" ? parsed.since : "unknown",
      };
    }
  } catch {
    // Fall through: a crash while the file was being written leaves it empty or partial.
  }
  return "unreadable";
}

/**
 * Whether the lock can be taken over: its owner is gone (same host, pid not running, or our own
 * pid though we do not hold it), or it has not been refreshed for STALE_AFTER_MS. A live pid on
 * another host cannot be checked from here, so only the heartbeat can free such a lock.
 * `lockFile` names the lock; `path` is where its file is now (possibly moved aside).
 */
function isStale(lockFile: string, path: string, holder: LockHolder): boolean {
  if (holder.host === hostname()) {
    if (holder.pid === process.pid) return !heldHere.has(lockFile);
    if (!pidRuns(holder.pid)) return true;
  }
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false;
  }
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: an existence check only
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return !isCode(error, "ESRCH");
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Nothing to clean up.
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
