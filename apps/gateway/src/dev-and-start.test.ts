import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveDataDir } from "./data-dir.ts";
import { readEnv } from "./env.ts";
import { exited, gatewayDir, spawnGateway } from "./testing/spawn-gateway.ts";

const repoRoot = resolve(gatewayDir, "..", "..");
const scriptsOf = (dir: string) =>
  (
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;

describe("pnpm dev and pnpm start use one database and one master key", () => {
  it("root start runs the compiled server; dev runs the same sources with tsx --watch, in the same folder, not through turbo", () => {
    // Through turbo (strict env mode) LITELLM_MASTER_KEY, DATABASE_URL, REDIS_URL and provider
    // keys never reached the gateway, and it ran in apps/gateway with its own .data.
    const root = scriptsOf(repoRoot);
    // The dashboard is built first when its dist is missing or stale (a no-op otherwise), so a
    // fresh clone's `pnpm start` serves the real UI at /ui. The server is compiled on every start
    // (about a second), so it is never older than the sources.
    expect(root.start).toBe(
      "node apps/dashboard/scripts/build.mjs && node apps/gateway/scripts/build-server.mjs --quiet" +
        " && node --enable-source-maps --v8-pool-size=1 --heap-growing-percent=50 apps/gateway/dist/server.mjs",
    );
    expect(root.dev).toBe(
      "node apps/dashboard/scripts/build.mjs && node --import tsx --watch apps/gateway/src/main.ts",
    );
    for (const script of [root.start!, root.dev!]) expect(script).not.toMatch(/turbo/);
  });

  it("the gateway package's own scripts (run in apps/gateway) resolve the root's .data", () => {
    const app = scriptsOf(gatewayDir);
    expect(app.dev).toMatch(/ src\/main\.ts$/);
    expect(app.start).toMatch(/scripts\/build-server\.mjs .* dist\/server\.mjs$/);
    const fromRoot = readEnv({}, repoRoot).GATEWAY_DATA_DIR;
    expect(fromRoot).toBe(join(repoRoot, ".data"));
    expect(readEnv({}, gatewayDir).GATEWAY_DATA_DIR).toBe(fromRoot);
    expect(readEnv({}, join(gatewayDir, "src")).GATEWAY_DATA_DIR).toBe(fromRoot);
  });

  it("GATEWAY_DATA_DIR wins when set, relative to the working directory", () => {
    expect(readEnv({ GATEWAY_DATA_DIR: "/srv/gw" }, gatewayDir).GATEWAY_DATA_DIR).toBe("/srv/gw");
    expect(resolveDataDir("state", gatewayDir)).toBe(join(gatewayDir, "state"));
    // Empty means unset, as in a shell.
    expect(readEnv({ GATEWAY_DATA_DIR: "" }, gatewayDir).GATEWAY_DATA_DIR).toBe(
      join(repoRoot, ".data"),
    );
  });

  it("outside any workspace, .data in the working directory", () => {
    const outside = join(tmpdir(), "no-workspace-here");
    expect(resolveDataDir(undefined, outside)).toBe(join(outside, ".data"));
  });
});

describe("the real process from two folders of one workspace", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("started in the app's folder, then at the root: the same data and master key", async () => {
    // A workspace of its own, so the real repository's .data is never touched.
    const workspace = await mkdtemp(join(tmpdir(), "gateway-workspace-"));
    cleanups.push(() => rm(workspace, { recursive: true, force: true }));
    await writeFile(join(workspace, "pnpm-workspace.yaml"), "packages:\n  - apps/*\n");
    const appDir = join(workspace, "apps", "gateway");
    await mkdir(appDir, { recursive: true });

    const asDev = await spawnGateway(
      ["--port", "0", "--host", "127.0.0.1"],
      { GATEWAY_DATA_DIR: "" },
      { cwd: appDir },
    );
    cleanups.push(async () => void asDev.child.kill("SIGKILL"));
    asDev.child.kill("SIGTERM");
    expect(await exited(asDev.child)).toBe(0);
    const key = (await readFile(join(workspace, ".data", "master-key"), "utf8")).trim();
    expect(asDev.output()).toContain(key); // generated on this first start
    expect(asDev.output()).toContain(join(workspace, ".data", "pglite"));

    const asStart = await spawnGateway(
      ["--port", "0", "--host", "127.0.0.1"],
      { GATEWAY_DATA_DIR: "" },
      { cwd: workspace },
    );
    cleanups.push(async () => void asStart.child.kill("SIGKILL"));
    asStart.child.kill("SIGTERM");
    expect(await exited(asStart.child)).toBe(0);
    expect(asStart.output()).toContain(
      `generated earlier, stored in ${join(workspace, ".data", "master-key")}`,
    );
    expect(asStart.output()).toContain("database schema is up to date");
  });
});
