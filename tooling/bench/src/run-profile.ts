import { mkdirSync, readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Cli } from "./cli.ts";
import { renderProfile, summariseProfile } from "./cpu-profile.ts";
import { EXPECTED_CONTENT, STREAM_FIRST_PIECE, requestBody } from "./payloads.ts";
import { stopProcess, type ServerProcess } from "./processes.ts";
import { dropBenchSchema, postgresRedisEnv, postgresRedisFrom } from "./postgres-redis.ts";
import type { Reporting } from "./run-memory.ts";
import { tracedGatewayOptions } from "./start-targets.ts";
import {
  checkTarget,
  directAnthropicTarget,
  startFake,
  startGateway,
  translateModel,
  translateTarget,
  virtualKeyTarget,
  type Paths,
} from "./targets.ts";
import { runWrk, writeWrkScript } from "./wrk.ts";

/**
 * `pnpm bench --profile`: the real gateway under `node --cpu-prof` behind the fake upstream,
 * loaded by wrk, and the report of where its main thread's busy time went during the measured
 * window (top self-time functions, mapped back to the .ts sources).
 */

const fmtLoad = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");

/** The results file's suffix: `profile`, then the variant's flags (`profile-stream-vk`, ...). */
export const profileSuffix = (cli: Cli): string =>
  [
    "profile",
    ...(cli.stream ? ["stream"] : []),
    ...(cli.virtualKey ? ["vk"] : []),
    ...(cli.observability ? ["observability"] : []),
    ...(cli.translate ? ["translate"] : []),
    ...(cli.postgresRedis ? ["pg"] : []),
  ].join("-");

export async function runProfile(cli: Cli, paths: Paths, reporting: Reporting): Promise<string> {
  const { log, machineFacts, revision } = reporting;
  const durationS = cli.durationS ?? (cli.quick ? 3 : 10);
  const profDir = join(paths.workDir, "prof");
  mkdirSync(profDir, { recursive: true });
  const pgRedis = cli.postgresRedis ? postgresRedisFrom(cli, process.env, new Date()) : undefined;
  if (typeof pgRedis === "string") throw new Error(`--postgres-redis: ${pgRedis}`);
  const loadStart = loadavg();
  const fake = await startFake(paths);
  const servers: ServerProcess[] = [fake.process];
  try {
    const gateway = await startGateway(paths, fake.origin, {
      ...(cli.observability ? tracedGatewayOptions(fake.origin) : {}),
      ...(cli.translate ? { extraModels: [translateModel(fake.origin)] } : {}),
      ...(pgRedis ? { env: postgresRedisEnv(pgRedis) } : {}),
      // No --cpu-prof-name: every thread (worker threads too) would write to one name, and
      // a fixed name would let them overwrite each other. The main thread's has thread id 0.
      nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
      logName: "gateway-profiled",
    });
    servers.push(gateway.process!);
    const caller = cli.virtualKey ? await virtualKeyTarget(gateway) : gateway;
    const target = cli.translate
      ? translateTarget(caller, directAnthropicTarget(fake.origin))
      : caller;
    const problem = await checkTarget(target);
    if (problem) throw new Error(`gateway check failed: ${problem}`);
    const script = join(paths.workDir, "profile.lua");
    // Streams split the sentence over chunks: wrk checks the first piece, with its nonce.
    const expected = cli.stream ? STREAM_FIRST_PIECE : EXPECTED_CONTENT;
    writeWrkScript(script, requestBody(target.model, cli.stream), target.headers, expected);
    const wrk = (d: number) =>
      runWrk({ url: target.url, script, connections: 50, durationS: d, cwd: paths.workDir });
    log(
      `profiling the gateway (pid ${gateway.process!.pid}): ${cli.quick ? 2 : 4} s warm-up + ${durationS} s closed loop`,
    );
    const warm = await wrk(cli.quick ? 2 : 4);
    const measureStart = performance.now();
    const measured = await wrk(durationS);
    const measureEnd = performance.now();
    // SIGTERM: the gateway drains and leaves through process.exit, which is what makes
    // --cpu-prof write its file.
    await stopProcess(gateway.process!, 60_000);
    const exitedAt = performance.now();
    const file = readdirSync(profDir).find((f) =>
      /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f),
    );
    if (!file)
      throw new Error(`no .cpuprofile in ${profDir}: did the gateway exit through process.exit?`);
    const summary = summariseProfile(join(profDir, file), paths.repoRoot, 30, {
      startBeforeEndMs: exitedAt - measureStart,
      lengthMs: measureEnd - measureStart,
    });
    const requests = measured.requests;
    const lines = [
      `# Gateway CPU profile, ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC`,
      "",
      ...machineFacts(),
      revision,
      `- load average at start: ${fmtLoad(loadStart)}; at end: ${fmtLoad(loadavg())} (shared machine: other engineers' tests ran meanwhile)`,
      `- \`node --cpu-prof\` on the real gateway process, ${cli.stream ? "streaming" : "non-streaming"} chat completions ` +
        `with ${cli.virtualKey ? "a virtual key (team and key budgets, rpm/tpm limits)" : "the master key"}` +
        `${cli.observability ? ", Prometheus and OpenTelemetry on (`callbacks: [prometheus, otel]`, OTLP to the fake)" : ""}` +
        `${cli.translate ? ", model `bench-anthropic` (translated to Anthropic's Messages API at the fake and back)" : ""}` +
        `${pgRedis ? `, on PostgreSQL + Redis (${pgRedis.shown})` : ", embedded PGlite"}, wrk -t1 -c50: ` +
        `${cli.quick ? 2 : 4} s warm-up (${warm.requests} requests) + ${durationS} s (${measured.requests} requests, ${measured.rps.toFixed(0)} RPS, ` +
        `${measured.non200 + measured.wrongContent} bad)`,
      `- only the ${durationS} s measured window counts (start-up, the embedded database's migrations and the warm-up are cut out)`,
      `- self time: time spent in the function's own code, callees excluded; shares are of busy (non-idle) main-thread time`,
      "",
      renderProfile(summary, requests),
      "",
    ];
    return lines.join("\n");
  } finally {
    for (const server of [...servers].reverse()) await stopProcess(server);
    if (pgRedis) {
      const left = await dropBenchSchema(pgRedis);
      if (left) log(left);
    }
  }
}
