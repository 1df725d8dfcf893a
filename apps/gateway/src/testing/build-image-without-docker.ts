import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { basename, dirname, join, posix, relative as relativePath } from "node:path";
import { promisify } from "node:util";
import {
  isIgnored,
  parseDockerfile,
  parseDockerignore,
  type IgnoreRule,
  type Instruction,
} from "./dockerfile.ts";

const run = promisify(execFile);

export interface ImageWithoutDocker {
  /** The folder standing for the image's WORKDIR, where CMD runs. */
  workdir: string;
  /** The image's ENV. */
  env: Record<string, string>;
  /** CMD, exec form. */
  cmd: string[];
  /** What was done, step by step, for failure messages. */
  log: string[];
}

/**
 * Replays docker/Dockerfile into `into` without Docker, one folder per stage (`into/stage-N`; a
 * `FROM <earlier stage>` starts from a copy of it): COPY copies from the build context (the
 * repo) honouring Dockerfile.dockerignore, or with --from=<stage> from that stage's folder; RUN
 * runs the install as written plus `--offline` (the host's pnpm store stands in for the
 * network) and `node <script>` as written, with the stage's ENV. Root-only setup
 * (`npm install -g pnpm@V`, `chown`) is checked, not run: pnpm's version must be V.
 * `beforeRun` sees the stage's folder just before each RUN (e.g. to check which files the layer
 * has). The image is the last stage: its folder is `workdir`.
 */
export async function buildImageWithoutDocker(options: {
  context: string;
  dockerfile: string;
  into: string;
  beforeRun?: (command: string, stageFolder: string) => Promise<void>;
}): Promise<ImageWithoutDocker> {
  const { context, into } = options;
  const instructions = parseDockerfile(await readFile(options.dockerfile, "utf8"));
  const rules = parseDockerignore(
    await readFile(`${options.dockerfile}.dockerignore`, "utf8").catch(() => ""),
  );
  const log: string[] = [];
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  let stageCount = 0;
  let cmd: string[] = [];

  for (const [index, step] of instructions.entries()) {
    if (step.keyword === "FROM") {
      // FROM <image> [AS name]: a stage named earlier starts as a copy of it; any other image is
      // a base image whose own files are not ours to replay, so it starts empty.
      const [base, as, name] = step.words;
      const folder = join(into, `stage-${stageCount++}`);
      const parent = stages.get(base!);
      stage = parent ? await cloneStage(parent, folder) : newStage(folder, instructions, index);
      if (as?.toUpperCase() === "AS" && name) stages.set(name, stage);
      log.push(`FROM ${step.words.join(" ")}`);
      continue;
    }
    if (!stage) throw new Error(`${step.keyword} before FROM`);
    const current = stage;
    switch (step.keyword) {
      case "EXPOSE":
      case "HEALTHCHECK":
      case "USER":
        break;
      case "ENV":
        for (const pair of step.words) {
          const at = pair.indexOf("=");
          current.env[pair.slice(0, at)] = pair
            .slice(at + 1)
            .replace(
              /\$(\w+)|\$\{(\w+)\}/g,
              (_, a, b) => current.env[a ?? b] ?? process.env[a ?? b] ?? "",
            );
        }
        break;
      case "WORKDIR":
        current.workdir = posix.resolve(current.workdir, step.words[0]!);
        await mkdir(hostPath(current, "."), { recursive: true });
        break;
      case "COPY": {
        const sources = step.words.slice(0, -1);
        const destination = step.words.at(-1)!;
        const to = hostPath(current, destination);
        if (step.flags.from) {
          // COPY --from=<stage>: container paths of that stage, not the build context (so the
          // .dockerignore does not apply).
          const from = stages.get(step.flags.from);
          if (!from) throw new Error(`COPY --from=${step.flags.from}: no stage of that name`);
          for (const source of sources) {
            await copyFolderOrFile(hostPath(from, source), to, destination);
          }
        } else {
          for (const source of sources) {
            await copyFromContext(context, source, to, destination, rules);
          }
        }
        log.push(`COPY ${step.flags.from ? `--from=${step.flags.from} ` : ""}${step.args}`);
        break;
      }
      case "RUN":
        for (const command of step.args.split("&&").map((part) => part.trim())) {
          await options.beforeRun?.(command, current.folder);
          await runCommand(command, {
            env: current.env,
            cwd: () => hostPath(current, "."),
            hostPath: (path) => hostPath(current, path),
          });
          log.push(`RUN ${command}`);
        }
        break;
      case "CMD":
        if (!step.exec) throw new Error("CMD must be exec form so SIGTERM reaches node");
        cmd = step.words;
        break;
      default:
        throw new Error(`Dockerfile instruction ${step.keyword} is not replayed by this test`);
    }
  }
  if (!stage) throw new Error("the Dockerfile has no FROM");
  return { workdir: hostPath(stage, "."), env: stage.env, cmd, log };
}

/** One build stage: its folder (standing for its WORKDIR's root), ENV and current WORKDIR. */
interface Stage {
  folder: string;
  env: Record<string, string>;
  workdir: string;
  root?: string;
}

/** A stage FROM a base image: its first WORKDIR (even if a RUN before it writes there, as the
 * root setup does) is the app folder that the stage's folder stands for. */
function newStage(folder: string, instructions: readonly Instruction[], from: number): Stage {
  const next = instructions.findIndex((step, i) => i > from && step.keyword === "FROM");
  const own = instructions.slice(from + 1, next === -1 ? undefined : next);
  const root = own.find((step) => step.keyword === "WORKDIR")?.words[0];
  return { folder, env: {}, workdir: "/", root };
}

/**
 * `FROM <earlier stage>`: the same files, ENV and WORKDIR. Files are hard-linked, not copied (the
 * install is ~400 MB): later steps only add files (a build's output), which stays per stage.
 */
async function cloneStage(parent: Stage, folder: string): Promise<Stage> {
  await run("cp", ["-al", parent.folder, folder]);
  return { folder, env: { ...parent.env }, workdir: parent.workdir, root: parent.root };
}

/**
 * Container paths map into the stage's folder: with WORKDIR /app, /app/x -> <folder>/x. Nothing
 * outside the app folder is replayed (the base image's own files are not ours to check).
 */
function hostPath(stage: Stage, containerPath: string): string {
  const root = stage.root;
  if (!root?.startsWith("/")) throw new Error("the Dockerfile needs an absolute WORKDIR");
  const absolute = posix.resolve(stage.workdir, containerPath);
  if (!(absolute === root || absolute.startsWith(`${root}/`))) {
    throw new Error(`${containerPath} is outside the WORKDIR ${root}`);
  }
  return join(stage.folder, posix.relative(root, absolute));
}

/** COPY --from: a file, or a folder's contents, as Docker copies them. */
async function copyFolderOrFile(from: string, to: string, destinationAsWritten: string) {
  if (!existsSync(from)) throw new Error(`COPY --from: ${from} does not exist in that stage`);
  if ((await stat(from)).isFile()) {
    const target = destinationAsWritten.endsWith("/") ? join(to, basename(from)) : to;
    await copyReplacing(from, target);
    return;
  }
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    await copyReplacing(path, join(to, relativePath(from, path)));
  }
}

/**
 * Copies a file, first unlinking whatever is at the target: a stage's files are hard links to
 * its parent stage's, and writing through one would change the parent too.
 */
async function copyReplacing(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rm(to, { force: true });
  await copyFile(from, to);
}

async function runCommand(
  command: string,
  context: {
    env: Record<string, string>;
    cwd: () => string;
    hostPath: (containerPath: string) => string;
  },
): Promise<void> {
  const words = command.split(/\s+/);
  const pinned = /^npm install -g pnpm@(\S+)$/.exec(command);
  if (pinned) {
    const { stdout } = await run("pnpm", ["--version"]);
    if (stdout.trim() !== pinned[1]) {
      throw new Error(`the image installs pnpm ${pinned[1]}, this machine has ${stdout.trim()}`);
    }
    return;
  }
  if (words[0] === "chown") return; // root-only; the static test checks the owner
  if (words[0] === "mkdir" && words[1] === "-p") {
    for (const path of words.slice(2)) await mkdir(context.hostPath(path), { recursive: true });
    return;
  }
  if (words[0] === "node") {
    // A script of the image's own (the dashboard build): run with the stage's ENV, in its WORKDIR.
    await run(process.execPath, words.slice(1), {
      cwd: context.cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...context.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return;
  }
  if (words[0] === "pnpm") {
    await run("pnpm", [...words.slice(1), "--offline"], {
      cwd: context.cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...context.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return;
  }
  throw new Error(`RUN ${command}: this test does not know how to replay it; teach it`);
}

/** COPY <source> <destination>: a file, or a folder's contents, minus what the ignore file drops. */
async function copyFromContext(
  context: string,
  source: string,
  destinationHost: string,
  destinationAsWritten: string,
  rules: readonly IgnoreRule[],
): Promise<void> {
  const relative = posix.normalize(source).replace(/^\.\/?$/, "");
  if (relative !== "" && isIgnored(relative, rules)) {
    throw new Error(`COPY ${source}: excluded by the .dockerignore`);
  }
  const from = join(context, relative);
  if ((await stat(from)).isFile()) {
    const target = destinationAsWritten.endsWith("/")
      ? join(destinationHost, posix.basename(relative))
      : destinationHost;
    await copyReplacing(from, target);
    return;
  }
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(join(context, folder), { withFileTypes: true })) {
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (isIgnored(path, rules)) continue;
      const inside = relative === "" ? path : posix.relative(relative, path);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        await copyReplacing(join(context, path), join(destinationHost, inside));
      }
    }
  };
  await walk(relative);
}
