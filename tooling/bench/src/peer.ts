import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "./processes.ts";

export const PEER_VERSION = "1.15.2";
/**
 * Later hono / node-server releases break Portkey 1.15.2's streaming (`TypeError: immutable`),
 * so the peer is pinned to the versions it was released against.
 */
const PEER_OVERRIDES = { hono: "4.9.7", "@hono/node-server": "1.13.5" };

export interface PeerInstall {
  dir: string;
  entry: string;
}

function installedVersion(dir: string, pkg: string): string | undefined {
  try {
    const json = readFileSync(join(dir, "node_modules", pkg, "package.json"), "utf8");
    return (JSON.parse(json) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Installs `@portkey-ai/gateway` in its own folder under the OS temp dir: never a workspace
 * dependency, so its pinned hono cannot leak into the gateway's. A complete earlier install with
 * the same versions is reused. Returns an error message instead of throwing so the run goes on
 * without the peer.
 */
export async function installPeer(log: (line: string) => void): Promise<PeerInstall | string> {
  const dir = join(tmpdir(), "org-bench-peer", `portkey-${PEER_VERSION}`);
  const entry = join(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
  const complete =
    existsSync(entry) &&
    installedVersion(dir, "@portkey-ai/gateway") === PEER_VERSION &&
    installedVersion(dir, "hono") === PEER_OVERRIDES.hono &&
    installedVersion(dir, "@hono/node-server") === PEER_OVERRIDES["@hono/node-server"];
  if (complete) {
    log(`peer: reusing @portkey-ai/gateway@${PEER_VERSION} in ${dir}`);
    return { dir, entry };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "org-bench-peer",
        private: true,
        dependencies: { "@portkey-ai/gateway": PEER_VERSION },
        overrides: PEER_OVERRIDES,
      },
      null,
      2,
    ),
  );
  log(`peer: npm install @portkey-ai/gateway@${PEER_VERSION} in ${dir} (once; about 20 s)`);
  // --ignore-scripts: nothing in the peer's tree needs an install script to run.
  const result = await runCommand(
    "npm",
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    dir,
  );
  if (result.code !== 0 || !existsSync(entry)) {
    return `npm install of @portkey-ai/gateway@${PEER_VERSION} failed (exit ${result.code}): ${(
      result.stderr || result.stdout
    )
      .trim()
      .split("\n")
      .slice(-5)
      .join(" | ")}`;
  }
  const hono = installedVersion(dir, "hono");
  if (hono !== PEER_OVERRIDES.hono) {
    return `the peer's hono is ${hono}, not the pinned ${PEER_OVERRIDES.hono}: the npm overrides were not applied`;
  }
  return { dir, entry };
}
