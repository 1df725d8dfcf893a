import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The gateway app's folder: where its own `pnpm start` runs. */
export const gatewayDir = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The compiled server `pnpm start` runs (apps/gateway/scripts/build-server.mjs writes it; the
 * gateway's vitest global setup builds it once before any test file runs).
 */
export const compiledServer = join(gatewayDir, "dist", "server.mjs");

export interface SpawnedGateway {
  child: ChildProcess;
  /** The URL the banner printed. */
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts the real entry point as `pnpm start` runs it (a separate node process running the
 * compiled `dist/server.mjs` with `args`) and resolves once its banner prints the URL.
 * `LITELLM_MASTER_KEY` is cleared unless `env` sets it, so a developer's shell does not leak into
 * tests.
 */
export async function spawnGateway(
  args: string[],
  env: Record<string, string>,
  options: {
    startTimeoutMs?: number;
    /** Working directory; the gateway app's folder by default (as its own scripts run). */
    cwd?: string;
  } = {},
): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, ["--enable-source-maps", compiledServer, ...args], {
    cwd: options.cwd ?? gatewayDir,
    env: { ...process.env, LITELLM_MASTER_KEY: "", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${out}`)),
      options.startTimeoutMs ?? 90_000,
    );
    const check = () => {
      const match = /URL:\s+(http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

/** Resolves with the exit code once the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
