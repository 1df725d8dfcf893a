import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.ts";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

const configured = (defaultConfig().model_list as unknown[]).length;
const LOADING = `loading ${configured} model deployment(s) (${configured} from the config, 0 from the database)`;

/** The log messages (LOG_FORMAT=json) and the banner's first line, in the order written. */
function progressOf(output: string): string[] {
  const lines: string[] = [];
  for (const line of output.split("\n")) {
    if (line.startsWith("{")) {
      try {
        lines.push(String((JSON.parse(line) as { msg?: unknown }).msg));
      } catch {
        // A line that only looks like JSON is not a log line.
      }
    } else if (line.includes("LLM gateway is running")) {
      lines.push("BANNER");
    }
  }
  return lines;
}

describe("startup says what it is doing before the banner", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function stop(g: SpawnedGateway): Promise<void> {
    g.child.kill("SIGTERM");
    expect(await exited(g.child)).toBe(0);
  }

  it("on a fresh data dir: opening PGlite, each migration N of M, the models, then the banner", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-progress-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const g = await spawnGateway(["--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    });
    cleanups.push(async () => void g.child.kill("SIGKILL"));
    await stop(g);

    const progress = progressOf(g.output());
    const banner = progress.indexOf("BANNER");
    expect(banner).toBeGreaterThan(0);
    const before = progress.slice(0, banner);
    expect(before[0]).toBe(`opening the embedded PGlite database in ${join(dataDir, "pglite")}`);
    const migrations = before.filter((line) => line.startsWith("applying database migration"));
    const total = migrations.length;
    expect(total).toBeGreaterThan(1);
    expect(
      migrations.map((line) =>
        /^applying database migration (\d+) of (\d+) \(\d{4}_\w+\)$/.exec(line)?.slice(1),
      ),
    ).toEqual(migrations.map((_, i) => [String(i + 1), String(total)]));
    // Every step in order: database, its migrations, then the models, then the banner.
    expect(before.indexOf(migrations[0]!)).toBe(1);
    expect(before.indexOf(LOADING)).toBeGreaterThan(before.indexOf(migrations.at(-1)!));
    expect(before).not.toContain("database schema is up to date");

    // A second start on the same data: nothing to apply, and it says so.
    const again = await spawnGateway(["--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    });
    cleanups.push(async () => void again.child.kill("SIGKILL"));
    await stop(again);
    const second = progressOf(again.output());
    expect(second.slice(0, second.indexOf("BANNER"))).toEqual([
      `opening the embedded PGlite database in ${join(dataDir, "pglite")}`,
      "database schema is up to date",
      LOADING,
    ]);
  });

  it("refuses to start on an unknown provider or a litellm_params typo, saying which and why", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-progress-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.yaml");
    await writeFile(
      config,
      [
        "model_list:",
        "  - model_name: gpt-4o",
        "    litellm_params:",
        "      model: openaii/gpt-4o",
        "      api_bse: https://127.0.0.1:9/v1",
        "      api_key: sk-do-not-echo-me",
      ].join("\n"),
    );
    const failure = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    }).then(
      (g) => {
        g.child.kill("SIGKILL");
        return undefined;
      },
      (error: unknown) => (error as Error).message,
    );
    expect(failure).toMatch(/^gateway exited with 1:/);
    expect(failure).toContain(
      "model_list[0].litellm_params.model: unknown provider 'openaii' in 'openaii/gpt-4o' (model_name 'gpt-4o'); did you mean openai? (line 4)",
    );
    expect(failure).toContain(
      "model_list[0].litellm_params.api_bse: litellm_params.api_bse is not a known setting; did you mean api_base? (line 5)",
    );
    expect(failure).not.toContain("sk-do-not-echo-me");
    // Refused before anything was opened: no database was created for a config that cannot run.
    expect(progressOf(failure!)).toEqual([]);
  });
});
