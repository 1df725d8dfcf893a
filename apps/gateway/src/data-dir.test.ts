import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDataDir, strayDataDir } from "./data-dir.ts";

describe("a data folder the default no longer uses", () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  async function workspace() {
    const root = await mkdtemp(join(tmpdir(), "gateway-data-dir-"));
    roots.push(root);
    await writeFile(join(root, "pnpm-workspace.yaml"), "packages: []\n");
    const app = join(root, "apps", "gateway");
    await mkdir(app, { recursive: true });
    return { root, app };
  }

  it("is named when the app folder still has its old .data", async () => {
    const { root, app } = await workspace();
    await mkdir(join(app, ".data"));
    const chosen = resolveDataDir(undefined, app);
    expect(chosen).toBe(join(root, ".data"));
    expect(strayDataDir(undefined, chosen, app)).toBe(join(app, ".data"));
  });

  it("is not named without one, at the root, or when GATEWAY_DATA_DIR is set", async () => {
    const { root, app } = await workspace();
    expect(strayDataDir(undefined, resolveDataDir(undefined, app), app)).toBeUndefined();
    await mkdir(join(root, ".data"));
    expect(strayDataDir(undefined, resolveDataDir(undefined, root), root)).toBeUndefined();
    await mkdir(join(app, ".data"));
    expect(strayDataDir("elsewhere", resolveDataDir("elsewhere", app), app)).toBeUndefined();
  });
});
