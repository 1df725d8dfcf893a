import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { promisify } from "node:util";
import { isIgnored, parseDockerfile, parseDockerignore, type IgnoreRule } from "./dockerfile.ts";

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
 * Replays docker/Dockerfile into `into` without Docker: COPY copies from the build context (the
 * repo) honouring Dockerfile.dockerignore, RUN runs the install as written plus `--offline`
 * (the host's pnpm store stands in for the network), with the image's ENV. Root-only setup
 * (`npm install -g pnpm@V`, `chown`) is checked, not run: pnpm's version must be V.
 * `beforeRun` sees the folder just before each RUN (e.g. to check which files the layer has).
 */
export async function buildImageWithoutDocker(options: {
  context: string;
  dockerfile: string;
  into: string;
  beforeRun?: (command: string) => Promise<void>;
}): Promise<ImageWithoutDocker> {
  const { context, into } = options;
  const instructions = parseDockerfile(await readFile(options.dockerfile, "utf8"));
  const rules = parseDockerignore(
    await readFile(`${options.dockerfile}.dockerignore`, "utf8").catch(() => ""),
  );
  const env: Record<string, string> = {};
  const log: string[] = [];
  let containerWorkdir = "/";
  let cmd: string[] = [];
  // Container paths map into `into`: with WORKDIR /app, /app/x -> <into>/x. Nothing outside
  // the app folder is replayed (the base image's own files are not ours to check).
  const root = instructions.find((step) => step.keyword === "WORKDIR")?.words[0];
  if (!root?.startsWith("/")) throw new Error("the Dockerfile needs an absolute WORKDIR");
  const hostPath = (containerPath: string) => {
    const absolute = posix.resolve(containerWorkdir, containerPath);
    if (!(absolute === root || absolute.startsWith(`${root}/`))) {
      throw new Error(`${containerPath} is outside the WORKDIR ${root}`);
    }
    return join(into, posix.relative(root, absolute));
  };

  for (const step of instructions) {
    switch (step.keyword) {
      case "FROM":
      case "EXPOSE":
      case "HEALTHCHECK":
      case "USER":
        break;
      case "ENV":
        for (const pair of step.words) {
          const at = pair.indexOf("=");
          env[pair.slice(0, at)] = pair
            .slice(at + 1)
            .replace(/\$(\w+)|\$\{(\w+)\}/g, (_, a, b) => env[a ?? b] ?? process.env[a ?? b] ?? "");
        }
        break;
      case "WORKDIR":
        containerWorkdir = posix.resolve(containerWorkdir, step.words[0]!);
        await mkdir(hostPath("."), { recursive: true }); // later WORKDIRs must stay inside
        break;
      case "COPY": {
        if (step.flags.from) throw new Error("COPY --from (multi-stage) is not replayed");
        const sources = step.words.slice(0, -1);
        const destination = step.words.at(-1)!;
        for (const source of sources) {
          await copyFromContext(context, source, hostPath(destination), destination, rules);
        }
        log.push(`COPY ${step.words.join(" ")}`);
        break;
      }
      case "RUN":
        for (const command of step.args.split("&&").map((part) => part.trim())) {
          await options.beforeRun?.(command);
          await runCommand(command, { env, cwd: () => hostPath("."), hostPath });
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
  return { workdir: hostPath("."), env, cmd, log };
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
    await mkdir(dirname(target), { recursive: true });
    await copyFile(from, target);
    return;
  }
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(join(context, folder), { withFileTypes: true })) {
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (isIgnored(path, rules)) continue;
      const inside = relative === "" ? path : posix.relative(relative, path);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        await mkdir(dirname(join(destinationHost, inside)), { recursive: true });
        await copyFile(join(context, path), join(destinationHost, inside));
      }
    }
  };
  await walk(relative);
}
