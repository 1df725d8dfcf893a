import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  measureTarget,
  OVERHEAD_HEADER,
  tasksetAvailable,
  warmUpTarget,
  type BenchSettings,
  type MeasureContext,
  type TargetRun,
} from "./measure-target.ts";
import { installPeer } from "./peer.ts";
import {
  machineBusyCpuMs,
  processCpuMs,
  rssMiB,
  selfAndReapedChildrenCpuMs,
} from "./proc-stats.ts";
import { killAllStarted, stopProcess, type ServerProcess } from "./processes.ts";
import { cacheHitCounts, renderMedianTable, renderRunTable, type RunSet } from "./report.ts";
import { TARGET_LABELS, type Paths, type TargetKey } from "./targets.ts";
import { startTargets } from "./start-targets.ts";
import { renderVerdictSections } from "./verdict-sections.ts";
import { wrkAvailable } from "./wrk.ts";
import { cacheRedis, parseCli, type Cli } from "./cli.ts";
import { runMemory } from "./run-memory.ts";
import { profileSuffix, runProfile } from "./run-profile.ts";
import { dropBenchSchema, postgresRedisFrom } from "./postgres-redis.ts";
import { resultsFile } from "./results-file.ts";

function settingsFor(cli: Cli, canPin: boolean): BenchSettings {
  const durationS = cli.durationS ?? (cli.quick ? 3 : 10);
  return {
    quick: cli.quick,
    connections: 50,
    closedWarmupS: cli.quick ? 2 : 4,
    closedDurationS: durationS,
    openWarmupS: cli.quick ? 1 : 3,
    openDurationS: durationS,
    rates: [200, 500, 1000],
    streamRate: 100,
    streamDurationS: cli.quick ? 2 : 5,
    pin: cli.pin && canPin,
  };
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmtLoad = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");

/** Which gateway was measured: the commit, and whether the work tree had uncommitted changes. */
function gatewayRevision(repoRoot: string): string {
  try {
    const head = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync(
      "git",
      ["-C", repoRoot, "status", "--porcelain", "--", "apps", "packages"],
      {
        encoding: "utf8",
      },
    )
      .split("\n")
      .filter(Boolean).length;
    return `- gateway measured: commit ${head}${dirty ? ` plus ${dirty} uncommitted file change(s) under apps/ and packages/ (the work tree as it was)` : ""}`;
  } catch {
    return "- gateway measured: the work tree (git not available)";
  }
}

function machineFacts(): string[] {
  let wrkVersion = "wrk";
  try {
    execFileSync("wrk", ["--version"], { encoding: "utf8" });
  } catch (error) {
    wrkVersion =
      String((error as { stdout?: string }).stdout ?? "")
        .split("\n")[0]
        ?.trim() || "wrk";
  }
  return [
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`,
    `- node ${process.version}; load generator ${wrkVersion}`,
  ];
}

/**
 * Waits (bounded) until other processes use less than `limitCores` over a 3 s window, so a
 * measurement does not start in the middle of someone's test run. Never fails: after `maxWaitMs`
 * the measurement starts anyway and the foreign-CPU row tells.
 */
async function waitForQuiet(
  servers: ServerProcess[],
  limitCores: number,
  maxWaitMs: number,
): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (let first = true; ; first = false) {
    const ours = () =>
      servers.reduce((sum, s) => {
        try {
          return sum + processCpuMs(s.pid);
        } catch {
          return sum;
        }
      }, selfAndReapedChildrenCpuMs());
    const before = { machine: machineBusyCpuMs(), ours: ours(), wall: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const foreign =
      Math.max(0, machineBusyCpuMs() - before.machine - (ours() - before.ours)) /
      (performance.now() - before.wall);
    if (foreign <= limitCores) return;
    if (Date.now() >= deadline) {
      log(`machine still busy (${foreign.toFixed(2)} cores used by others): measuring anyway`);
      return;
    }
    if (first)
      log(
        `machine busy (${foreign.toFixed(2)} cores used by others): waiting up to ${maxWaitMs / 1000} s`,
      );
  }
}

interface Repetition {
  index: number;
  order: TargetKey[];
  runs: RunSet;
  discarded?: string;
}

async function runBenchmark(cli: Cli, paths: Paths): Promise<string> {
  const canPin = tasksetAvailable() && cpus().length >= 2;
  const settings = settingsFor(cli, canPin);
  const loadStart = loadavg();
  const startedAt = new Date();
  // Read now: the gateway runs the code it loaded at start, whatever lands in git meanwhile.
  const revision = gatewayRevision(paths.repoRoot);
  const notes: string[] = [];
  const servers: ServerProcess[] = [];

  // The targets this run means to measure: the report's columns (a target that then fails to
  // start shows as "skipped").
  const columns: TargetKey[] = cli.cache
    ? ["direct", "floor", "gateway", "cacheMemory", "cacheRedis"]
    : cli.observability
      ? ["direct", "floor", "gateway", "gatewayObs"]
      : [
          "direct",
          "directAnthropic",
          "floor",
          "gateway",
          "gatewayVk",
          "gatewayTranslate",
          "gatewayObs",
          "gatewayPg",
          "gatewayPgVk",
          "portkey",
          "cacheMemory",
          "cacheRedis",
        ];
  // A focused mode runs only its own comparison (shorter, less drift between its targets).
  const focused = cli.cache || cli.observability;
  const redis = cacheRedis(cli);
  const pgRedis = columns.includes("gatewayPg")
    ? postgresRedisFrom(cli, process.env, startedAt)
    : undefined;
  // Its own namespace per run: the first request is a miss even on a Redis kept from before.
  const cacheNamespace = `bench-${startedAt.getTime().toString(36)}`;

  let peer: Awaited<ReturnType<typeof installPeer>> | undefined;
  if (focused)
    notes.push(
      `Portkey and the virtual key skipped: ${cli.cache ? "--cache" : "--observability"}.`,
    );
  else if (cli.peer) {
    peer = await installPeer(log);
    if (typeof peer === "string") {
      notes.push(`Portkey skipped: ${peer}`);
      log(`peer skipped: ${peer}`);
    }
  } else notes.push("Portkey skipped: --no-peer.");

  if (typeof pgRedis === "string") {
    notes.push(`${TARGET_LABELS.gatewayPg} skipped: ${pgRedis}.`);
    log(`gatewayPg skipped: ${pgRedis}`);
  }
  log(
    `starting the fake upstream, the floor, the gateway${focused ? "" : " (master key, virtual key, translation)"}${peer && typeof peer !== "string" ? ", the peer" : ""} and the ${cli.observability ? "traced gateway" : "cache gateways"}`,
  );
  const { fake, targets } = await startTargets({
    paths,
    columns,
    focused,
    peer: peer && typeof peer !== "string" ? peer : undefined,
    pgRedis: pgRedis && typeof pgRedis !== "string" ? pgRedis : undefined,
    redis,
    cacheNamespace,
    notes,
    servers,
    log,
  });
  const startRss = new Map<TargetKey, number>();
  for (const target of targets) {
    if (!target.process) continue;
    log(`${target.key}: pid ${target.process.pid}, ${target.url}`);
    const rss = rssMiB(target.process.pid);
    if (rss !== undefined) startRss.set(target.key, rss);
  }
  const direct = targets.find((t) => t.key === "direct")!;

  const context = (): MeasureContext => ({
    settings,
    benchDir: paths.benchDir,
    workDir: paths.workDir,
    fake: fake.process,
    direct,
    startRss,
    allServers: () => servers,
    log,
  });
  const processWarmUpS = cli.quick ? 3 : 5;
  for (const target of targets) {
    if (!target.process) continue;
    const warm = await warmUpTarget(context(), target, processWarmUpS);
    const bad = warm.non200 + warm.wrongContent + warm.socketErrors;
    log(
      `${target.key}: process warm-up ${processWarmUpS} s, ${warm.requests} requests, ${bad} bad`,
    );
    if (bad > 0) notes.push(`${TARGET_LABELS[target.key]}: ${bad} bad responses in its warm-up`);
  }

  const repetitions: Repetition[] = [];
  const maxAttempts = cli.quick ? cli.reps : cli.reps + 2;
  const kept = () => repetitions.filter((r) => !r.discarded);
  for (let attempt = 0; kept().length < cli.reps && attempt < maxAttempts; attempt += 1) {
    // Alternate the order (rotate by one each time) so drift in the machine's load does not
    // always land on the same target.
    const order = targets.map((_, i) => targets[(i + attempt) % targets.length]!);
    const repetition: Repetition = { index: attempt + 1, order: order.map((t) => t.key), runs: {} };
    log(`run ${repetition.index}: ${repetition.order.join(" → ")} (load ${fmtLoad(loadavg())})`);
    for (const target of order) {
      await waitForQuiet(servers, cli.maxForeignCores / 2, cli.quick ? 20_000 : 60_000);
      repetition.runs[target.key] = await measureTarget(context(), target);
    }
    const failed = Object.values(repetition.runs).filter((r): r is TargetRun => !!r?.failure);
    const foreign = Object.values(repetition.runs)
      .map((r) => r?.foreignCores)
      .filter((v): v is number => v !== undefined);
    const meanForeign = foreign.reduce((a, b) => a + b, 0) / Math.max(1, foreign.length);
    if (failed.length > 0) {
      repetition.discarded = `harness failure: ${failed.map((r) => `${r.key}: ${r.failure}`).join("; ")}`;
    } else if (meanForeign > cli.maxForeignCores) {
      repetition.discarded =
        `machine busy: other processes used ${meanForeign.toFixed(2)} cores on average during ` +
        `its measurements (limit --max-foreign ${cli.maxForeignCores})`;
    }
    if (repetition.discarded) log(`run ${repetition.index} discarded: ${repetition.discarded}`);
    repetitions.push(repetition);
  }

  log("stopping processes");
  for (const server of [...servers].reverse()) await stopProcess(server);
  if (pgRedis && typeof pgRedis !== "string") {
    const left = await dropBenchSchema(pgRedis);
    if (left) notes.push(left);
  }
  const loadEnd = loadavg();

  let medianOver = kept();
  let medianNote = `over the ${medianOver.length} kept run(s): ${medianOver.map((r) => r.index).join(", ")}`;
  if (medianOver.length === 0) {
    medianOver = repetitions.filter((r) => !r.discarded?.startsWith("harness failure"));
    medianNote =
      `no run met the quiet-machine criterion, so these are medians over ALL completed runs ` +
      `(${medianOver.map((r) => r.index).join(", ") || "none"}): read them as upper bounds`;
  }
  const serverOverheadSeen = repetitions.some((r) =>
    Object.values(r.runs).some((t) => t?.open.some((o) => o.serverOverheadSamples.length > 0)),
  );

  const lines: string[] = [];
  lines.push(
    `# Gateway benchmark, ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC${settings.quick ? " (quick smoke run)" : ""}`,
  );
  lines.push("");
  lines.push(...machineFacts());
  lines.push(revision);
  lines.push(
    `- load average (1/5/15 min) at start: ${fmtLoad(loadStart)}; at end: ${fmtLoad(loadEnd)}`,
  );
  lines.push(
    "- **This is a shared 2-core machine: other engineers were running test suites during the run, " +
      "so RPS and latencies are noisy and pessimistic. CPU-ms per request is the steadier number; " +
      "the `foreign CPU` row says how much of the machine others took while each target was measured.**",
  );
  lines.push(
    `- closed loop: \`wrk -t1 -c${settings.connections} -d${settings.closedDurationS}s\` after a ${settings.closedWarmupS} s warm-up, unpinned, ` +
      `every response checked (200 and the upstream's nonce'd sentence) by the Lua script`,
  );
  lines.push(
    `- open loop: ${settings.rates.join(" / ")} RPS × ${settings.openDurationS} s each after a ${settings.openWarmupS} s warm-up, ` +
      `evenly spaced, latency from the intended send time; streaming TTFB at ${settings.streamRate} RPS × ${settings.streamDurationS} s; ` +
      `each overhead is the target minus direct measured just before it at the same rate; ` +
      (settings.pin
        ? "pinned: proxy on CPU 1, generator and fake on CPU 0 (`taskset`)"
        : "NOT pinned (taskset missing, fewer than 2 CPUs, or --no-pin)"),
  );
  lines.push(
    columns.includes("gatewayTranslate")
      ? "- which direct each overhead is against: `direct`, the fake's /v1/chat/completions with the OpenAI body, for every target " +
          "except `gateway (translate)` (the master-key gateway's process asked for `bench-anthropic`, i.e. `anthropic/claude-sonnet-4-5-20250929` at the fake: " +
          "OpenAI in, Anthropic Messages API upstream, answer translated back), whose reference is `direct, Anthropic`: the fake's /v1/messages " +
          "called directly with the same conversation as an Anthropic body (precomputed Anthropic message JSON / SSE carrying the same sentence)"
      : "- every overhead is against `direct`: the fake's /v1/chat/completions with the OpenAI body",
  );
  lines.push(
    `- repetitions: ${repetitions.length} run, ${kept().length} kept (target ${cli.reps}); medians ${medianNote}`,
  );
  lines.push(
    `- server-side overhead: ${serverOverheadSeen ? `read from \`${OVERHEAD_HEADER}\`` : `n/a: the gateway does not send \`${OVERHEAD_HEADER}\` yet`}`,
  );
  if (pgRedis && typeof pgRedis !== "string")
    lines.push(
      `- PostgreSQL + Redis target: the same gateway with DATABASE_URL, DATABASE_SCHEMA and REDIS_URL set: ${pgRedis.shown}`,
    );
  if (columns.includes("cacheMemory")) {
    lines.push(
      `- cache targets: separate gateway processes, same model, config plus \`litellm_settings: {cache: true, cache_params: {type: local | redis, ttl: 3600, namespace: ${cacheNamespace}}}\`` +
        (redis ? ` (Redis: ${redis.shown}, from ${redis.from})` : "") +
        `; every request is the same, so the one miss is the pre-flight check's first request and ` +
        `every measured request should be a hit. Hits are counted from \`x-litellm-cache-hit: True\` on answers whose content is checked like every other target's; ` +
        `the uncached gateway's column is the control (0 hits expected)`,
    );
  }
  lines.push(
    "- † = the target could not sustain that rate (under 98% answered correctly or under 95% of the rate): its latency there is queueing",
  );
  for (const note of notes) lines.push(`- ${note}`);
  lines.push("");
  lines.push(`## Medians`);
  lines.push("");
  lines.push(
    renderMedianTable(
      medianOver.map((r) => r.runs),
      settings.rates,
      columns,
    ),
  );
  lines.push("");
  lines.push(
    ...renderVerdictSections({
      runSets: medianOver.map((r) => r.runs),
      rates: settings.rates,
      columns,
      measured: new Set(targets.map((t) => t.key)),
      focused,
    }),
  );
  lines.push("## Runs");
  for (const repetition of repetitions) {
    lines.push("");
    lines.push(
      `### Run ${repetition.index} (${repetition.order.join(" → ")}): ${repetition.discarded ? `DISCARDED: ${repetition.discarded}` : "kept"}`,
    );
    lines.push("");
    lines.push(renderRunTable(repetition.runs, settings.rates, columns));
    const problems: string[] = [];
    for (const run of Object.values(repetition.runs)) {
      if (!run) continue;
      const samples = [...run.open, ...(run.stream ? [run.stream] : [])].flatMap(
        (o) => o.errorSamples,
      );
      if (samples.length > 0) problems.push(`${run.key}: ${samples.slice(0, 3).join(" | ")}`);
      const lag = Math.max(0, ...run.open.map((o) => o.maxSendLagMs));
      if (lag > 20)
        problems.push(`${run.key}: the generator fired up to ${lag.toFixed(0)} ms late (starved)`);
      const { hits, ok } = cacheHitCounts(run);
      if ((run.key === "cacheMemory" || run.key === "cacheRedis") && ok > 0 && hits < 0.99 * ok) {
        // Where the misses were: under saturation a Redis reply can outwait the cache's bounded
        // wait, and the request then goes upstream as a miss.
        const phases = [
          ...(run.closed ? [`closed loop ${run.closed.cacheHits}/${run.closed.ok}`] : []),
          ...run.open.map((o) => `${o.rate} RPS ${o.cacheHits}/${o.ok}`),
          ...(run.stream ? [`stream ${run.stream.cacheHits}/${run.stream.ok}`] : []),
        ];
        problems.push(
          `${run.key}: only ${hits} of ${ok} correct answers were cache hits, so its numbers mix in misses (hits/correct: ${phases.join(", ")})`,
        );
      }
      if (
        (run.key === "gateway" ||
          run.key === "gatewayVk" ||
          run.key === "gatewayPg" ||
          run.key === "gatewayPgVk" ||
          run.key === "gatewayTranslate") &&
        hits > 0
      )
        problems.push(`${run.key}: ${hits} cache hits on the uncached gateway (it has no cache)`);
      if (run.closed && run.closed.upstreamCpuMsPerRequest > 0) {
        problems.push(
          `${run.key}: fake upstream used ${run.closed.upstreamCpuMsPerRequest.toFixed(3)} CPU-ms per request`,
        );
      }
    }
    if (problems.length > 0) {
      lines.push("");
      for (const problem of problems) lines.push(`- ${problem}`);
    }
  }
  lines.push("");
  lines.push(
    "See tooling/bench/README.md for what each number means and how to read CPU-ms per request.",
  );
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (process.platform !== "linux" || !existsSync("/proc/self/stat")) {
    throw new Error("the harness reads /proc for CPU and memory: it runs on Linux only");
  }
  if (!wrkAvailable()) {
    throw new Error(
      "wrk is not installed. On Debian/Ubuntu: `apt-get update && apt-get install -y wrk` (as root or with sudo), then run again.",
    );
  }
  const benchDir = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const paths: Paths = {
    benchDir,
    repoRoot: join(benchDir, "..", ".."),
    workDir: mkdtempSync(join(tmpdir(), "org-bench-")),
  };
  log(`work dir (logs, configs, data): ${paths.workDir}`);
  const report = cli.profile
    ? await runProfile(cli, paths, { log, machineFacts, revision: gatewayRevision(paths.repoRoot) })
    : cli.memory
      ? await runMemory(cli, paths, {
          log,
          machineFacts,
          revision: gatewayRevision(paths.repoRoot),
        })
      : await runBenchmark(cli, paths);
  const file = resultsFile(
    benchDir,
    cli.profile
      ? profileSuffix(cli)
      : [
          ...(cli.cache ? ["cache"] : []),
          ...(cli.observability ? ["observability"] : []),
          ...(cli.memory ? ["memory"] : []),
          ...(cli.quick ? ["quick"] : []),
        ].join("-"),
  );
  writeFileSync(file, report);
  process.stdout.write(report);
  log(`written to ${file}`);
  if (!process.env.BENCH_KEEP_WORKDIR) rmSync(paths.workDir, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllStarted();
    process.exit(130);
  });
}
process.on("exit", () => killAllStarted());

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${(error as Error).message}\n`);
  killAllStarted();
  process.exit(1);
});
