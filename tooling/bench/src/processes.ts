import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { request } from "undici";
import { isAlive } from "./proc-stats.ts";

/** A server process the harness started, stopped only by its own PID. */
export interface ServerProcess {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
}

const started = new Set<ServerProcess>();

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

/**
 * Spawns a server with its stdout and stderr in a log file (a full pipe must never stall it) and
 * no shell or package-manager wrapper in between, so `pid` is the process that does the work.
 */
export function startProcess(options: StartOptions): ServerProcess {
  const fd = openSync(options.logFile, "a");
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined)
    throw new Error(`${options.name}: could not start ${options.command}`);
  const server: ServerProcess = {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    child,
  };
  started.add(server);
  child.once("exit", () => started.delete(server));
  return server;
}

/** SIGTERM by PID, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopProcess(server: ServerProcess, graceMs = 10_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once("exit", () => resolve()));
  try {
    process.kill(server.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    if (isAlive(server.pid)) process.kill(server.pid, "SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last resort on exit or Ctrl-C: kill whatever this harness started, each by its PID. */
export function killAllStarted(): void {
  for (const server of started) {
    try {
      process.kill(server.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  started.clear();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any status) or the process dies or `timeoutMs` passes. */
export async function waitForHttp(
  server: ServerProcess,
  url: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited while starting; log tail:\n${logTail(server.logFile)}`,
      );
    }
    try {
      const response = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await response.body.dump();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(
    `${server.name} did not answer ${url} within ${timeoutMs} ms; log tail:\n${logTail(server.logFile)}`,
  );
}

export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived command (wrk, a generator) to completion, capturing its output. */
export function runCommand(command: string, args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
