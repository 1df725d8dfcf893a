import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { parseDockerfile, type Instruction } from "./dockerfile.ts";
import { REPO_ROOT } from "./repo-root.ts";

/** The repo's docker/ folder and the parts of its files the docker-image tests read. */
export const DOCKER_DIR = join(REPO_ROOT, "docker");

export interface ComposeService {
  build?: { context: string; dockerfile: string };
  /** `null`: passed through from the host's environment when set there. */
  environment?: Record<string, string | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

export async function readCompose(): Promise<{ services: Record<string, ComposeService> }> {
  return parse(await readFile(join(DOCKER_DIR, "docker-compose.yml"), "utf8")) as {
    services: Record<string, ComposeService>;
  };
}

export async function readDockerfile(): Promise<Instruction[]> {
  return parseDockerfile(await readFile(join(DOCKER_DIR, "Dockerfile"), "utf8"));
}
