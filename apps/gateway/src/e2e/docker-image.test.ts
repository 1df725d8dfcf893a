import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, posix, relative } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultProviders } from "@org/core";
import { dashboardAssetsDir } from "@org/dashboard";
import { loadConfig } from "../config/index.ts";
import { DOCKER_DIR, readCompose, readDockerfile } from "../testing/docker-files.ts";
import {
  dockerStages,
  isIgnored,
  parseDockerignore,
  type Instruction,
} from "../testing/dockerfile.ts";
import { REPO_ROOT } from "../testing/repo-root.ts";

// docker/ checked without Docker (this machine has none): what `docker compose up` needs from
// the repo, and the image's shape. docker-image.int.test.ts runs its install and CMD.

const DOCKER = DOCKER_DIR;

/** Every workspace package's package.json, repo-relative, from pnpm-workspace.yaml's globs. */
async function workspaceManifests(): Promise<string[]> {
  const workspace = parse(await readFile(join(REPO_ROOT, "pnpm-workspace.yaml"), "utf8")) as {
    packages: string[];
  };
  const manifests: string[] = [];
  for (const glob of workspace.packages) {
    const parent = glob.replace(/\/\*$/, "");
    for (const entry of await readdir(join(REPO_ROOT, parent), { withFileTypes: true })) {
      const manifest = `${parent}/${entry.name}/package.json`;
      if (entry.isDirectory() && existsSync(join(REPO_ROOT, manifest))) manifests.push(manifest);
    }
  }
  return manifests.sort();
}

/** The repo-relative files a COPY names (its sources; `.` is the whole context). */
const copySources = (step: Instruction) => step.words.slice(0, -1).map((s) => posix.normalize(s));

describe("docker-compose.yml", () => {
  it("every file it mounts from the repo exists (docker/config.yaml was missing)", async () => {
    const { services } = await readCompose();
    const mounts = Object.values(services).flatMap((service) => service.volumes ?? []);
    const binds = mounts.map((mount) => mount.split(":")[0]!).filter((h) => h.startsWith("."));
    expect(binds).toContain("./config.yaml");
    for (const hostPath of binds) {
      expect(existsSync(join(DOCKER, hostPath)), `${hostPath} (relative to docker/)`).toBe(true);
    }
    const build = services.gateway!.build!;
    expect(existsSync(join(DOCKER, build.context, build.dockerfile))).toBe(true);
  });

  it("the gateway has a keyless liveliness healthcheck run with node (the image has no curl)", async () => {
    const { services } = await readCompose();
    const test = services.gateway!.healthcheck!.test;
    expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(test[3]).toContain("http://127.0.0.1:4000/health/liveliness");
    expect(test.join(" ")).not.toMatch(/authorization|bearer|curl/i);
    // The image's own HEALTHCHECK (for a plain `docker run`) probes the same way.
    const image = (await readDockerfile()).find((step) => step.keyword === "HEALTHCHECK");
    expect(image?.words).toEqual(test.slice(1));
  });

  it("PostgreSQL and Redis have healthchecks, and the gateway waits until both are healthy", async () => {
    const { services } = await readCompose();
    expect(services.postgres!.healthcheck!.test).toEqual(["CMD", "pg_isready", "-U", "gateway"]);
    expect(services.redis!.healthcheck!.test).toEqual(["CMD", "redis-cli", "ping"]);
    expect(services.gateway!.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
  });

  it("passes provider keys through unset rather than as empty strings", async () => {
    const { services } = await readCompose();
    const environment = services.gateway!.environment!;
    for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"]) {
      expect(Object.hasOwn(environment, name), name).toBe(true);
      expect(environment[name], name).toBeNull();
    }
    expect(environment.CONFIG_FILE_PATH).toBe("/config/config.yaml");
    expect(services.gateway!.volumes).toContain("./config.yaml:/config/config.yaml:ro");
  });

  it("docker/config.yaml loads, names built-in providers, and reads every key from the environment", async () => {
    const path = join(DOCKER, "config.yaml");
    const bare = await loadConfig({ path, env: {} });
    expect(bare.warnings.length).toBeGreaterThan(0);
    for (const warning of bare.warnings)
      expect(warning).toMatch(/environment variable \w+ is not set/);

    const loaded = await loadConfig({
      path,
      env: {
        OPENAI_API_KEY: "sk-o",
        ANTHROPIC_API_KEY: "sk-a",
        GEMINI_API_KEY: "g",
        LITELLM_MASTER_KEY: "sk-m",
      },
    });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.general.masterKey).toBe("sk-m");
    const providers = defaultProviders();
    for (const entry of loaded.router.modelList) {
      const provider = entry.litellm_params.model.split("/")[0]!;
      expect(providers.has(provider), provider).toBe(true);
      expect(entry.litellm_params.api_key, entry.model_name).toMatch(/^(sk-o|sk-a|g)$/);
    }
    // No secret is written in the file itself.
    expect(await readFile(path, "utf8")).not.toMatch(/\bsk-[\w-]{16,}/);
  });
});

describe("docker/Dockerfile", () => {
  it("runs as a non-root user that owns the app folder and its data folder", async () => {
    const steps = await readDockerfile();
    const users = steps.filter((step) => step.keyword === "USER");
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.words[0]!;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // Set before anything is copied or installed, so node_modules and .data belong to it.
    const userAt = steps.indexOf(users[0]!);
    const firstCopy = steps.findIndex((step) => step.keyword === "COPY");
    expect(userAt).toBeLessThan(firstCopy);
    for (const copy of steps.filter((step) => step.keyword === "COPY")) {
      expect(copy.flags.chown, `COPY ${copy.args}`).toBe(`${user}:${user}`);
    }
    const setup = steps.slice(0, userAt).filter((step) => step.keyword === "RUN");
    const workdir = steps.find((step) => step.keyword === "WORKDIR")!.words[0]!;
    expect(setup.map((step) => step.args).join(" && ")).toContain(
      `mkdir -p ${workdir}/.data && chown -R ${user}:${user} ${workdir}`,
    );
  });

  it("installs from the lockfile and every workspace manifest before copying the sources", async () => {
    const steps = await readDockerfile();
    const install = steps.findIndex(
      (step) => step.keyword === "RUN" && step.args.includes("pnpm install --frozen-lockfile"),
    );
    expect(install).toBeGreaterThan(0);
    const before = steps.slice(0, install).filter((step) => step.keyword === "COPY");
    const copiedBefore = before.flatMap(copySources);
    expect(copiedBefore).toEqual(
      expect.arrayContaining([
        "pnpm-lock.yaml",
        "pnpm-workspace.yaml",
        "package.json",
        ".npmrc",
        ...(await workspaceManifests()),
      ]),
    );
    // Only manifests go into the dependency layer: a source file there would rebuild it on
    // every edit.
    for (const source of copiedBefore) {
      expect(source, `copied before the install: ${source}`).toMatch(
        /(^|\/)package\.json$|^pnpm-lock\.yaml$|^pnpm-workspace\.yaml$|^\.npmrc$/,
      );
    }
    const after = steps.slice(install + 1).filter((step) => step.keyword === "COPY");
    expect(after.flatMap(copySources)).toContain(".");
  });

  it("pins the pnpm the repo declares", async () => {
    const steps = await readDockerfile();
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as {
      packageManager: string;
    };
    const pinned = steps
      .filter((step) => step.keyword === "RUN")
      .map((step) => /npm install -g (pnpm@\S+)/.exec(step.args)?.[1])
      .find(Boolean);
    expect(pinned).toBe(pkg.packageManager);
  });

  it("starts node directly (exec form) so SIGTERM reaches the gateway", async () => {
    const cmd = (await readDockerfile()).find((step) => step.keyword === "CMD")!;
    expect(cmd.exec).toBe(true);
    expect(cmd.words.slice(0, 5)).toEqual([
      "node",
      "--enable-source-maps",
      "--v8-pool-size=1",
      "--heap-growing-percent=50",
      "apps/gateway/dist/server.mjs",
    ]);
  });

  it("compiles the server it starts, after the sources are in (as `pnpm start` does)", async () => {
    const image = dockerStages(await readDockerfile()).at(-1)!;
    const sources = image.steps.findIndex(
      (step) => step.keyword === "COPY" && step.args.endsWith(". ."),
    );
    const build = image.steps.findIndex(
      (step) =>
        step.keyword === "RUN" &&
        step.args === "node apps/gateway/scripts/build-server.mjs --quiet",
    );
    expect(sources).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(sources);
    // esbuild must be installed by the image's production install (not a devDependency).
    const gateway = JSON.parse(
      await readFile(join(REPO_ROOT, "apps", "gateway", "package.json"), "utf8"),
    ) as { dependencies: Record<string, string> };
    expect(gateway.dependencies.esbuild).toBeDefined();
  });

  it("builds the dashboard in a stage of its own and copies its output where the gateway serves /ui", async () => {
    const stages = dockerStages(await readDockerfile());
    const image = stages.at(-1)!;
    const fromStage = image.steps.filter((step) => step.keyword === "COPY" && step.flags.from);
    // The folder the gateway serves /ui from, relative to the repo (and so to WORKDIR).
    const served = relative(REPO_ROOT, dashboardAssetsDir);
    const workdir = stages[0]!.steps.find((step) => step.keyword === "WORKDIR")!.words[0]!;
    const copy = fromStage.find(
      (step) => posix.normalize(step.words.at(-1)!).replace(/\/$/, "") === served,
    );
    expect(copy, `a COPY --from=<stage> ... ${served}/`).toBeDefined();
    expect(copy!.words.slice(0, -1)).toEqual([`${workdir}/${served}`]);
    // Copied after the sources, so nothing in the context can shadow the built UI.
    const sources = image.steps.findIndex(
      (step) => step.keyword === "COPY" && step.args.endsWith(". ."),
    );
    expect(image.steps.indexOf(copy!)).toBeGreaterThan(sources);

    const build = stages.find((stage) => stage.name === copy!.flags.from)!;
    expect(build, `stage ${copy!.flags.from}`).toBeDefined();
    // It starts from the installed workspace (vite is a devDependency there) and runs the build.
    expect(build.from).toBe(stages[0]!.name);
    const runs = build.steps.filter((step) => step.keyword === "RUN").map((step) => step.args);
    expect(runs).toContain("node apps/dashboard/scripts/build.mjs --force");
    // Only the dashboard's sources and the tsconfig it extends go in: an edit to the gateway
    // must not rebuild the UI's layer.
    const copied = build.steps.filter((step) => step.keyword === "COPY").flatMap(copySources);
    expect(copied.sort()).toEqual(["apps/dashboard", "tooling/tsconfig"]);
    // The context never carries a host's build output (it could be stale or from another branch).
    const rules = parseDockerignore(
      await readFile(join(DOCKER, "Dockerfile.dockerignore"), "utf8"),
    );
    expect(isIgnored(`${served}/index.html`, rules)).toBe(true);
  });

  it("its .dockerignore keeps installed, generated and secret files out of the build context", async () => {
    const rules = parseDockerignore(
      await readFile(join(DOCKER, "Dockerfile.dockerignore"), "utf8"),
    );
    for (const path of [
      ".git/config",
      "node_modules/.pnpm/x",
      "apps/gateway/node_modules/hono/package.json",
      ".data/master-key",
      "apps/gateway/.data/pglite/base",
      "packages/core/dist/index.js",
      "docker/.env",
    ]) {
      expect(isIgnored(path, rules), path).toBe(true);
    }
    for (const path of ["apps/gateway/src/main.ts", "pnpm-lock.yaml", "docker/config.yaml"]) {
      expect(isIgnored(path, rules), path).toBe(false);
    }
  });
});
