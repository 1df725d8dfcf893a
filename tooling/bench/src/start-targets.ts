import type { PeerInstall } from "./peer.ts";
import { postgresRedisEnv, type PostgresRedis } from "./postgres-redis.ts";
import type { ServerProcess } from "./processes.ts";
import {
  cacheSettings,
  checkCacheHit,
  checkTarget,
  directAnthropicTarget,
  directTarget,
  startFake,
  startFloor,
  startGateway,
  startPortkey,
  TARGET_LABELS,
  translateModel,
  translateTarget,
  virtualKeyTarget,
  type GatewayStartOptions,
  type Paths,
  type Target,
  type TargetKey,
} from "./targets.ts";

/**
 * The traced gateway: Prometheus and OpenTelemetry on (`--observability`, and `--profile
 * --observability` profiles it). The fake upstream answers any POST with 200, so it takes the
 * OTLP exports too.
 */
export function tracedGatewayOptions(fakeOrigin: string): GatewayStartOptions {
  return {
    litellmSettings: { callbacks: ["prometheus", "otel"] },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: fakeOrigin, OTEL_SERVICE_NAME: "bench-gateway" },
  };
}

export interface TargetPlan {
  paths: Paths;
  /** The report's columns: which targets this run means to measure. */
  columns: TargetKey[];
  /** --cache or --observability: no virtual key. */
  focused: boolean;
  peer: PeerInstall | undefined;
  pgRedis: PostgresRedis | undefined;
  redis: { url: string } | undefined;
  cacheNamespace: string;
  /** The report's notes: why a target was skipped or left out. */
  notes: string[];
  /** Every long-running process started, pushed as it starts (so it is stopped at the end). */
  servers: ServerProcess[];
  log: (line: string) => void;
}

/**
 * Starts the fake and every planned target, then checks each with one non-streaming and one
 * streaming request (cache targets: and a hit); a target that fails to start or answers wrongly
 * is left out with a note, never measured.
 */
export async function startTargets(
  plan: TargetPlan,
): Promise<{ fake: { process: ServerProcess; origin: string }; targets: Target[] }> {
  const { paths, columns, notes, servers, log } = plan;
  const fake = await startFake(paths);
  servers.push(fake.process);
  const targets: Target[] = [directTarget(fake.origin)];
  const translate = columns.includes("gatewayTranslate");
  const directAnthropic = translate ? directAnthropicTarget(fake.origin) : undefined;
  if (directAnthropic) targets.push(directAnthropic);
  const starters: [TargetKey, () => Promise<Target>][] = [
    ["floor", () => startFloor(paths, fake.origin)],
    [
      "gateway",
      // The translation target's Claude model lives in the master-key gateway's process.
      () =>
        startGateway(
          paths,
          fake.origin,
          translate ? { extraModels: [translateModel(fake.origin)] } : {},
        ),
    ],
  ];
  if (plan.peer) {
    const install = plan.peer;
    starters.push(["portkey", () => startPortkey(paths, install, fake.origin)]);
  }
  if (columns.includes("gatewayObs")) {
    starters.push([
      "gatewayObs",
      () =>
        startGateway(paths, fake.origin, {
          key: "gatewayObs",
          logName: "gateway-observability",
          ...tracedGatewayOptions(fake.origin),
        }),
    ]);
  }
  if (plan.pgRedis) {
    const where = plan.pgRedis;
    starters.push([
      "gatewayPg",
      () =>
        startGateway(paths, fake.origin, {
          key: "gatewayPg",
          logName: "gateway-postgres-redis",
          env: postgresRedisEnv(where),
        }),
    ]);
  }
  if (columns.includes("cacheMemory"))
    starters.push([
      "cacheMemory",
      () =>
        startGateway(paths, fake.origin, {
          key: "cacheMemory",
          logName: "gateway-cache-memory",
          litellmSettings: cacheSettings("local", plan.cacheNamespace),
        }),
    ]);
  if (columns.includes("cacheRedis") && plan.redis) {
    const redisUrl = plan.redis.url;
    starters.push([
      "cacheRedis",
      () =>
        startGateway(paths, fake.origin, {
          key: "cacheRedis",
          logName: "gateway-cache-redis",
          litellmSettings: cacheSettings("redis", plan.cacheNamespace, redisUrl),
        }),
    ]);
  } else if (columns.includes("cacheRedis")) {
    const why =
      "Redis cache target skipped: no Redis given (pass --redis-url redis://127.0.0.1:6379 or set TEST_REDIS_URL)";
    notes.push(`${why}.`);
    log(why);
  }
  for (const [key, start] of starters) {
    try {
      const target = await start();
      if (target.process) servers.push(target.process);
      targets.push(target);
      // The realistic path on PostgreSQL + Redis: the same process, called with a virtual key
      // (its budgets, limits and spend then go through Redis and PostgreSQL).
      if (key === "gatewayPg" && columns.includes("gatewayPgVk")) {
        try {
          targets.push(await virtualKeyTarget(target, "gatewayPgVk"));
        } catch (error) {
          notes.push(`${TARGET_LABELS.gatewayPgVk} left out: ${(error as Error).message}`);
          log(`gatewayPgVk left out: ${(error as Error).message}`);
        }
      }
      if (key !== "gateway") continue;
      if (!plan.focused) {
        // The same process again, called with a virtual key (team, budgets, rpm/tpm limits).
        try {
          targets.push(await virtualKeyTarget(target));
        } catch (error) {
          notes.push(`${TARGET_LABELS.gatewayVk} left out: ${(error as Error).message}`);
          log(`gatewayVk left out: ${(error as Error).message}`);
        }
      }
      // The same process again, asked for the Claude model: OpenAI in, Anthropic upstream.
      if (directAnthropic) targets.push(translateTarget(target, directAnthropic));
    } catch (error) {
      notes.push(`${TARGET_LABELS[key]} did not start: ${(error as Error).message}`);
      log(`${key} did not start: ${(error as Error).message}`);
    }
  }
  for (const target of [...targets]) {
    let problem = await checkTarget(target);
    // checkTarget's first request was the cache targets' one miss: from here on they must hit.
    if (!problem && (target.key === "cacheMemory" || target.key === "cacheRedis"))
      problem = await checkCacheHit(target);
    // Its overheads would be against a reference that was not measured.
    if (!problem && target.reference && !targets.includes(target.reference))
      problem = `its direct reference (${TARGET_LABELS[target.reference.key]}) was left out`;
    if (problem) {
      notes.push(`${TARGET_LABELS[target.key]} left out: ${problem}`);
      log(`${target.key} left out: ${problem}`);
      targets.splice(targets.indexOf(target), 1);
    }
  }
  return { fake, targets };
}
