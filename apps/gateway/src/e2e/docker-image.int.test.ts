import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { buildImageWithoutDocker } from "../testing/build-image-without-docker.ts";
import { DOCKER_DIR, readCompose } from "../testing/docker-files.ts";
import { freeRedisDatabase } from "../testing/free-redis-database.ts";
import { REPO_ROOT } from "../testing/repo-root.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { exited } from "../testing/spawn-gateway.ts";

// The image's install, dashboard build and start commands, replayed from a clean folder without
// Docker: the files the Dockerfile COPYs (minus its .dockerignore), its RUN install (offline,
// from the host's pnpm store) and dashboard build stage, then its CMD with the compose file's environment pointed at the local
// PostgreSQL and Redis, probed with the compose healthcheck until healthy, then SIGTERM.

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a compose healthcheck (`["CMD", ...]`); resolves with its exit code. */
async function probe(test: string[]): Promise<number> {
  expect(test[0]).toBe("CMD");
  return promisify(execFile)(test[1]!, test.slice(2), { timeout: 10_000 }).then(
    () => 0,
    (error: { code?: number }) => (typeof error.code === "number" ? error.code : 1),
  );
}

describe.skipIf(!databaseUrl || !redisUrl)(
  "the docker image, built and started without Docker",
  () => {
    const schema = `gw_docker_${randomBytes(4).toString("hex")}`;
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    it(
      "installs from the manifests alone, builds the dashboard, starts, turns healthy, serves /ui, answers, and exits cleanly on SIGTERM",
      { timeout: 180_000 },
      async () => {
        const folder = await mkdtemp(join(tmpdir(), "gateway-image-"));
        cleanups.push(() => rm(folder, { recursive: true, force: true }));

        let sawInstall = false;
        const image = await buildImageWithoutDocker({
          context: REPO_ROOT,
          dockerfile: join(DOCKER_DIR, "Dockerfile"),
          into: folder,
          beforeRun: async (command, stageFolder) => {
            if (!command.startsWith("pnpm install")) return;
            sawInstall = true;
            // The dependency layer: manifests only, no sources yet.
            const files = await readdir(stageFolder, { recursive: true });
            expect(files.filter((file) => /\.(ts|tsx|js|sql)$/.test(String(file)))).toEqual([]);
            expect(files.map(String)).toContain(join("packages", "core", "package.json"));
          },
        });
        expect(sawInstall).toBe(true);
        // The install happened before the sources came in, and they did not overwrite it.
        expect(existsSync(join(image.workdir, "node_modules", ".modules.yaml"))).toBe(true);
        expect(existsSync(join(image.workdir, "apps", "gateway", "src", "main.ts"))).toBe(true);
        expect(existsSync(join(image.workdir, ".git"))).toBe(false);
        // The dashboard stage built the UI and the image carries it (the context has no dist).
        expect(image.log).toContain("RUN node apps/dashboard/scripts/build.mjs --force");
        expect(existsSync(join(image.workdir, "apps", "dashboard", "dist", "index.html"))).toBe(
          true,
        );
        // The server was compiled in the image (the context carries no dist), and CMD runs it.
        expect(image.log).toContain("RUN node apps/gateway/scripts/build-server.mjs --quiet");
        expect(existsSync(join(image.workdir, "apps", "gateway", "dist", "server.mjs"))).toBe(true);

        // The compose service's environment, with the services' hostnames replaced by the local
        // PostgreSQL (a schema of its own) and Redis (an empty database of its own).
        const { services } = await readCompose();
        const gatewayService = services.gateway!;
        const localRedis = await freeRedisDatabase(redisUrl!);
        cleanups.push(async () => {
          const redis = new Redis(localRedis);
          await redis.flushdb();
          redis.disconnect();
        });
        cleanups.push(async () => {
          const sql = postgres(databaseUrl!, { max: 1, onnotice: () => undefined });
          await sql.unsafe(`drop schema if exists "${schema}" cascade`);
          await sql.end();
        });
        const mounts = new Map(
          (gatewayService.volumes ?? [])
            .map((volume) => volume.split(":"))
            .filter(([host]) => host!.startsWith("."))
            .map(([host, container]) => [container!, join(DOCKER_DIR, host!)]),
        );
        const masterKey = `sk-docker-${randomBytes(8).toString("hex")}`;
        const composeEnv: Record<string, string> = {};
        for (const [name, value] of Object.entries(gatewayService.environment ?? {})) {
          if (value === null) continue; // passed through from the host: unset here
          composeEnv[name] = value;
        }
        expect(composeEnv.DATABASE_URL).toMatch(/@postgres:5432\//);
        expect(composeEnv.REDIS_URL).toBe("redis://redis:6379");
        composeEnv.DATABASE_URL = databaseUrl!;
        composeEnv.DATABASE_SCHEMA = schema;
        composeEnv.REDIS_URL = localRedis;
        composeEnv.LITELLM_MASTER_KEY = masterKey;
        composeEnv.CONFIG_FILE_PATH = mounts.get(composeEnv.CONFIG_FILE_PATH!)!;
        expect(composeEnv.CONFIG_FILE_PATH).toBe(join(DOCKER_DIR, "config.yaml"));

        // CMD as written, on loopback and a free port instead of 0.0.0.0:4000.
        const port = await freePort();
        const cmd = image.cmd.map((word, i, all) =>
          all[i - 1] === "--host" ? "127.0.0.1" : all[i - 1] === "--port" ? String(port) : word,
        );
        expect(cmd.join(" ")).not.toBe(image.cmd.join(" "));
        const healthcheck = gatewayService.healthcheck!.test.map((word) =>
          word.replace("127.0.0.1:4000", `127.0.0.1:${port}`),
        );

        // Nothing listens yet: the probe can fail.
        expect(await probe(healthcheck)).not.toBe(0);

        const child: ChildProcess = spawn(cmd[0]!, cmd.slice(1), {
          cwd: image.workdir,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: image.workdir,
            LOG_FORMAT: "json",
            ...image.env,
            ...composeEnv,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        cleanups.push(async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        });
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (output += d.toString()));

        let healthy = false;
        for (let i = 0; i < 120 && !healthy && child.exitCode === null; i++) {
          healthy = (await probe(healthcheck)) === 0;
          if (!healthy) await new Promise((r) => setTimeout(r, 500));
        }
        expect(healthy, `never healthy:\n${output}`).toBe(true);

        // Started on the compose setup: PostgreSQL, Redis, docker/config.yaml, the env master key.
        const auth = { authorization: `Bearer ${masterKey}` };
        const ready = await fetch(`http://127.0.0.1:${port}/health/readiness`, { headers: auth });
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({
          status: "healthy",
          db: "connected",
          database: "postgres",
          router_state: { backend: "redis", healthy: true },
        });
        const models = (await (
          await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: auth })
        ).json()) as { data: Array<{ id: string }> };
        expect(models.data.map((model) => model.id)).toEqual(
          expect.arrayContaining(["gpt-4o", "claude-sonnet", "gemini-flash"]),
        );
        // Only liveliness is keyless.
        expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(401);
        expect(output).toContain(join(DOCKER_DIR, "config.yaml"));

        // The image serves the real dashboard at /ui (not the "not built" page), and the
        // bundle its page loads exists.
        const ui = await fetch(`http://127.0.0.1:${port}/ui`);
        const page = await ui.text();
        expect(ui.status, page).toBe(200);
        const title = /<title>([^<]+)<\/title>/.exec(
          await readFile(join(REPO_ROOT, "apps", "dashboard", "index.html"), "utf8"),
        )![1]!;
        expect(page).toContain(`<title>${title}</title>`);
        const script = /<script[^>]+src="(\/ui\/assets\/[^"]+\.js)"/.exec(page)?.[1];
        expect(script, page).toBeDefined();
        const bundle = await fetch(`http://127.0.0.1:${port}${script}`);
        expect(bundle.status).toBe(200);
        expect(bundle.headers.get("content-type")).toMatch(/javascript/);
        expect((await bundle.text()).length).toBeGreaterThan(10_000);
        expect(output).not.toContain(masterKey);

        child.kill("SIGTERM");
        expect(await exited(child), output).toBe(0);
        expect(output).toContain('"msg":"stopped"');
      },
    );
  },
);
