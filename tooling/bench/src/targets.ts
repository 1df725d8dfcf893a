import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import {
  ANTHROPIC_ID_PREFIX,
  ANTHROPIC_UPSTREAM_MODEL,
  ANTHROPIC_VERSION,
  BENCH_ANTHROPIC_MODEL,
} from "./anthropic-payloads.ts";
import { BENCH_MODEL, CACHE_HIT_HEADER, UPSTREAM_MODEL } from "./payloads.ts";
import { isExpectedAnswer, requestBodyFor, type Wire } from "./wire.ts";
import type { PeerInstall } from "./peer.ts";
import { freePort, startProcess, waitForHttp, type ServerProcess } from "./processes.ts";

export type TargetKey =
  | "direct"
  | "directAnthropic"
  | "floor"
  | "gateway"
  | "gatewayVk"
  | "gatewayObs"
  | "gatewayPg"
  | "gatewayPgVk"
  | "portkey"
  | "cacheMemory"
  | "cacheRedis"
  | "gatewayTranslate";

export const TARGET_LABELS: Record<TargetKey, string> = {
  direct: "direct (fake upstream)",
  directAnthropic: "direct, Anthropic (the fake's /v1/messages)",
  floor: "floor (node:http + undici)",
  gateway: "our gateway (master key)",
  gatewayVk: "our gateway (virtual key)",
  gatewayObs: "our gateway, Prometheus + OTel on (master key)",
  gatewayPg: "our gateway on PostgreSQL + Redis (master key)",
  gatewayPgVk: "our gateway on PostgreSQL + Redis (virtual key)",
  portkey: "Portkey 1.15.2",
  cacheMemory: "our gateway, memory cache hits",
  cacheRedis: "our gateway, Redis cache hits",
  gatewayTranslate: "our gateway, translation (OpenAI in, Anthropic upstream, master key)",
};

/** One thing to send load at: its URL and headers, and the proxy process whose CPU is measured. */
export interface Target {
  key: TargetKey;
  url: string;
  headers: Record<string, string>;
  model: string;
  /** The proxy's own server process; undefined for the directs (no proxy in between). */
  process?: ServerProcess;
  /** The API it speaks (default OpenAI): picks the request body and the answer's check. */
  wire?: Wire;
  /**
   * The direct its overheads are measured against (a paired run right before each of its
   * runs); default `direct`, the fake's OpenAI endpoint.
   */
  reference?: Target;
  /** Text the pre-flight answers must also carry, proving which upstream API served them. */
  servedProof?: string;
}

export const GATEWAY_MASTER_KEY = "sk-bench-master-key";
const UPSTREAM_KEY = "sk-fake-upstream";

export interface Paths {
  repoRoot: string;
  benchDir: string;
  workDir: string;
}

const nodeTs = (script: string) => ["--import", "tsx", script];

export async function startFake(paths: Paths): Promise<{ process: ServerProcess; origin: string }> {
  const port = await freePort();
  const server = startProcess({
    name: "fake upstream",
    command: process.execPath,
    args: [...nodeTs("src/fake-upstream.ts"), String(port)],
    cwd: paths.benchDir,
    logFile: join(paths.workDir, "fake-upstream.log"),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(server, `${origin}/v1/models`, 30_000);
  return { process: server, origin };
}

export function directTarget(origin: string): Target {
  return {
    key: "direct",
    url: `${origin}/v1/chat/completions`,
    headers: { "content-type": "application/json", authorization: `Bearer ${UPSTREAM_KEY}` },
    model: UPSTREAM_MODEL,
  };
}

/**
 * The translation target's reference: the fake's Anthropic Messages endpoint called directly
 * with the conversation as an Anthropic body, as the gateway calls it after translating.
 */
export function directAnthropicTarget(origin: string): Target {
  return {
    key: "directAnthropic",
    url: `${origin}/v1/messages`,
    headers: {
      "content-type": "application/json",
      "x-api-key": UPSTREAM_KEY,
      "anthropic-version": ANTHROPIC_VERSION,
    },
    model: ANTHROPIC_UPSTREAM_MODEL,
    wire: "anthropic",
  };
}

/** The gateway's second model for the translation target: Claude at the fake's Messages API. */
export function translateModel(upstreamOrigin: string): ExtraModel {
  return {
    name: BENCH_ANTHROPIC_MODEL,
    model: `anthropic/${ANTHROPIC_UPSTREAM_MODEL}`,
    // A host: the adapter appends /v1/messages.
    apiBase: upstreamOrigin,
  };
}

/**
 * The translation path: the same gateway process (started with `translateModel`), the same
 * OpenAI body and master key, but the model is Claude, so the request is translated to
 * Anthropic's Messages API and the answer (and stream) back to OpenAI's shape.
 */
export function translateTarget(gateway: Target, directAnthropic: Target): Target {
  return {
    ...gateway,
    key: "gatewayTranslate",
    model: BENCH_ANTHROPIC_MODEL,
    reference: directAnthropic,
    servedProof: ANTHROPIC_ID_PREFIX,
  };
}

export async function startFloor(paths: Paths, upstreamOrigin: string): Promise<Target> {
  const port = await freePort();
  const server = startProcess({
    name: "floor proxy",
    command: process.execPath,
    args: [...nodeTs("src/floor-proxy.ts"), String(port), upstreamOrigin],
    cwd: paths.benchDir,
    logFile: join(paths.workDir, "floor-proxy.log"),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(server, origin, 30_000);
  return {
    key: "floor",
    url: `${origin}/v1/chat/completions`,
    headers: { "content-type": "application/json" },
    model: BENCH_MODEL,
    process: server,
  };
}

let compiledServer: string | undefined;

/**
 * The compiled server `pnpm start` runs (apps/gateway/scripts/build-server.mjs), built from the
 * current sources once per bench run into the run's work dir, so the bench measures what
 * operators run (not tsx, which costs memory and CPU of its own), and profiles map through this
 * build's source map even if a test run rebuilds apps/gateway/dist meanwhile.
 */
export function buildCompiledServer(paths: Paths): string {
  if (compiledServer) return compiledServer;
  const outfile = join(paths.workDir, "server", "server.mjs");
  execFileSync(
    process.execPath,
    [
      join(paths.repoRoot, "apps", "gateway", "scripts", "build-server.mjs"),
      "--quiet",
      "--outfile",
      outfile,
    ],
    { stdio: "inherit" },
  );
  compiledServer = outfile;
  return compiledServer;
}

/** A model beside bench-model: by default another OpenAI deployment, at its own api_base. */
export interface ExtraModel {
  name: string;
  apiBase: string;
  /** LiteLLM's `provider/model`; default `openai/gpt-4o-mini`. */
  model?: string;
}

export interface GatewayStartOptions {
  /** Extra node flags before the server, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Names the log, the config file and the data dir (several gateways can run at once). */
  logName?: string;
  /** The target's key in the report (default `gateway`). */
  key?: TargetKey;
  /** LiteLLM's `litellm_settings` for this gateway, e.g. `{cache: true, cache_params: {...}}`. */
  litellmSettings?: Record<string, unknown>;
  /** Extra environment for this gateway, e.g. `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  env?: Record<string, string>;
  /** More models beside bench-model, each at its own api_base. */
  extraModels?: ExtraModel[];
}

/**
 * The real gateway process, as `pnpm start` and the Docker image start it: `node
 * --enable-source-maps apps/gateway/dist/server.mjs --config <file> --port N`, with an embedded
 * database in a temp data dir. No DATABASE_URL or REDIS_URL from the caller's shell leaks in.
 */
export async function startGateway(
  paths: Paths,
  upstreamOrigin: string,
  options: GatewayStartOptions = {},
): Promise<Target> {
  const port = await freePort();
  const dataDir = join(paths.workDir, `${options.logName ?? "gateway"}-data`);
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(paths.workDir, `${options.logName ?? "gateway"}-config.yaml`);
  // JSON is valid YAML, so the generated config needs no YAML writer.
  const config = {
    model_list: [
      {
        model_name: BENCH_MODEL,
        litellm_params: {
          model: `openai/${UPSTREAM_MODEL}`,
          api_base: `${upstreamOrigin}/v1`,
          api_key: UPSTREAM_KEY,
        },
      },
      ...(options.extraModels ?? []).map((extra) => ({
        model_name: extra.name,
        litellm_params: {
          model: extra.model ?? `openai/${UPSTREAM_MODEL}`,
          api_base: extra.apiBase,
          api_key: UPSTREAM_KEY,
        },
      })),
    ],
    ...(options.litellmSettings ? { litellm_settings: options.litellmSettings } : {}),
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2) + "\n");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "REDIS_URL",
    "CONFIG_FILE_PATH",
    "PORT",
    "HOST",
  ]) {
    delete env[name];
  }
  env.LITELLM_MASTER_KEY = GATEWAY_MASTER_KEY;
  env.GATEWAY_DATA_DIR = dataDir;
  env.NODE_ENV = "production";
  Object.assign(env, options.env);
  const server = startProcess({
    name: "gateway",
    command: process.execPath,
    args: [
      ...(options.nodeFlags ?? []),
      "--enable-source-maps",
      // As `pnpm start` and the Docker image run it (see apps/gateway/README.md).
      "--v8-pool-size=1",
      "--heap-growing-percent=50",
      buildCompiledServer(paths),
      "--config",
      configFile,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    cwd: paths.repoRoot,
    env,
    logFile: join(paths.workDir, `${options.logName ?? "gateway"}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  // Starting the embedded database can take 10+ s on a loaded 2-core box.
  await waitForHttp(server, `${origin}/health/liveliness`, 180_000);
  return {
    key: options.key ?? "gateway",
    url: `${origin}/v1/chat/completions`,
    headers: { "content-type": "application/json", authorization: `Bearer ${GATEWAY_MASTER_KEY}` },
    model: BENCH_MODEL,
    process: server,
  };
}

export async function startPortkey(
  paths: Paths,
  peer: PeerInstall,
  upstreamOrigin: string,
): Promise<Target> {
  const port = await freePort();
  const server = startProcess({
    name: "portkey",
    command: process.execPath,
    args: [peer.entry, "--headless", `--port=${port}`],
    cwd: peer.dir,
    env: { ...process.env, NODE_ENV: "production" },
    logFile: join(paths.workDir, "portkey.log"),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(server, origin, 60_000);
  return {
    key: "portkey",
    url: `${origin}/v1/chat/completions`,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${UPSTREAM_KEY}`,
      "x-portkey-provider": "openai",
      // With /v1: Portkey appends /chat/completions to the custom host as given.
      "x-portkey-custom-host": `${upstreamOrigin}/v1`,
    },
    model: UPSTREAM_MODEL,
    process: server,
  };
}

/**
 * Limits far above anything a run can reach, so the virtual key is checked and counted on every
 * request but never refused: the bench measures what the checks cost, not a 429.
 */
const NEVER_REACHED_BUDGET = 1_000_000_000; // USD; a request costs about 1e-5
const NEVER_REACHED_RPM = 1_000_000_000;
const NEVER_REACHED_TPM = 1_000_000_000_000;

async function managementPost(
  gateway: Target,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const url = new URL(path, gateway.url).toString();
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${GATEWAY_MASTER_KEY}` },
    body: JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) {
    throw new Error(`${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The realistic caller: a virtual key in a team, both with a max_budget, the key with rpm and tpm
 * limits, created through the management API with the master key (as an operator would). Same
 * gateway process as the master-key target, so the two differ only in the key presented: auth
 * through the key cache, model access, budget reservation on key and team, rpm/tpm counting, and
 * the spend rolled up to key and team totals (spend is logged for both targets).
 */
export async function virtualKeyTarget(
  gateway: Target,
  key: TargetKey = "gatewayVk",
): Promise<Target> {
  const team = await managementPost(gateway, "/team/new", {
    team_alias: "bench-team",
    max_budget: NEVER_REACHED_BUDGET,
  });
  const teamId = team.team_id;
  if (typeof teamId !== "string") throw new Error("/team/new returned no team_id");
  const generated = await managementPost(gateway, "/key/generate", {
    team_id: teamId,
    // Key aliases are unique: a database kept from an earlier run already has one.
    key_alias: `bench-key-${randomUUID()}`,
    max_budget: NEVER_REACHED_BUDGET,
    rpm_limit: NEVER_REACHED_RPM,
    tpm_limit: NEVER_REACHED_TPM,
  });
  const virtualKey = generated.key;
  if (typeof virtualKey !== "string") throw new Error("/key/generate returned no key");
  return {
    ...gateway,
    key,
    headers: { ...gateway.headers, authorization: `Bearer ${virtualKey}` },
  };
}

/**
 * One non-streaming and one streaming request before any load: a target that answers wrongly is
 * reported and left out rather than benchmarked.
 */
export async function checkTarget(target: Target): Promise<string | undefined> {
  for (const stream of [false, true]) {
    try {
      const response = await request(target.url, {
        method: "POST",
        headers: target.headers,
        body: requestBodyFor(target.wire ?? "openai", target.model, stream),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await response.body.text();
      const ok = isExpectedAnswer(target.wire ?? "openai", stream, text);
      if (response.statusCode !== 200 || !ok) {
        return `${stream ? "streaming" : "non-streaming"} check failed: ${response.statusCode} ${text.slice(0, 300)}`;
      }
      if (target.servedProof && !text.includes(target.servedProof))
        return `${stream ? "streaming" : "non-streaming"} answer lacks ${JSON.stringify(target.servedProof)}, so another upstream path served it: ${text.slice(0, 300)}`;
    } catch (error) {
      return `${stream ? "streaming" : "non-streaming"} check failed: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/**
 * LiteLLM's cache config for a cache target. Each run gets its own namespace, so the first
 * request of a run is a miss even on a Redis that kept entries from an earlier run, and the hour
 * long ttl lets Redis drop them afterwards (the harness never deletes keys in a shared Redis).
 */
export function cacheSettings(
  type: "local" | "redis",
  namespace: string,
  redisUrl?: string,
): Record<string, unknown> {
  return {
    cache: true,
    cache_params: {
      type,
      ttl: 3600,
      namespace,
      ...(type === "redis" ? { redis_url: redisUrl } : {}),
    },
  };
}

/**
 * A cache target must answer from its cache before it is measured as one: after checkTarget's two
 * requests (the first a miss that stores the answer), the same request again must come back with
 * the upstream's content AND `x-litellm-cache-hit: True`, non-streaming and streaming (a hit is
 * replayed as SSE). Otherwise it is left out: its numbers would be the uncached gateway's.
 */
export async function checkCacheHit(target: Target): Promise<string | undefined> {
  for (const stream of [false, true]) {
    const label = stream ? "streaming" : "non-streaming";
    try {
      const response = await request(target.url, {
        method: "POST",
        headers: target.headers,
        body: requestBodyFor(target.wire ?? "openai", target.model, stream),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await response.body.text();
      const ok = isExpectedAnswer(target.wire ?? "openai", stream, text);
      if (response.statusCode !== 200 || !ok)
        return `${label} repeat answered wrongly: ${response.statusCode} ${text.slice(0, 300)}`;
      const hit = response.headers[CACHE_HIT_HEADER];
      if (hit !== "True")
        return `${label} repeat was not a cache hit (${CACHE_HIT_HEADER}: ${JSON.stringify(hit ?? null)}); see the gateway's log`;
    } catch (error) {
      return `${label} repeat failed: ${(error as Error).message}`;
    }
  }
  return undefined;
}
