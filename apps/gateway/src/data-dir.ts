import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * Where the embedded database and the generated master key live when GATEWAY_DATA_DIR is not
 * set: `.data` at the root of the pnpm workspace the gateway is started in, so `pnpm start` (run
 * at the root) and `pnpm dev` or `pnpm --filter @org/gateway start` (run in apps/gateway) share
 * one database and one master key. Outside a workspace (an installed copy), `.data` in `cwd`.
 * A GATEWAY_DATA_DIR that is set wins, relative to `cwd`.
 */
export function resolveDataDir(
  configured: string | undefined,
  cwd: string = process.cwd(),
): string {
  if (configured !== undefined) return resolve(cwd, configured);
  return join(workspaceRoot(cwd) ?? resolve(cwd), ".data");
}

/** The nearest folder at or above `from` holding pnpm-workspace.yaml. */
function workspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A `.data` folder in `cwd` that the default no longer uses: before the default moved to the
 * workspace root, `pnpm --filter @org/gateway start` kept its database and master key in
 * `apps/gateway/.data`. Starting on a fresh database without saying so would look like lost keys
 * and spend, so the start banner names it. Undefined when GATEWAY_DATA_DIR is set or there is none.
 */
export function strayDataDir(
  configured: string | undefined,
  chosen: string,
  cwd: string = process.cwd(),
): string | undefined {
  if (configured !== undefined) return undefined;
  const local = join(resolve(cwd), ".data");
  return local !== chosen && existsSync(local) ? local : undefined;
}
