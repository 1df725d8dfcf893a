import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { OpenLoopOptions, OpenLoopResult } from "./open-loop.ts";
import type { Percentiles } from "./percentiles.ts";
import { EXPECTED_CONTENT } from "./payloads.ts";
import {
  machineBusyCpuMs,
  peakRssMiB,
  processCpuMs,
  selfAndReapedChildrenCpuMs,
} from "./proc-stats.ts";
import { runCommand, type ServerProcess } from "./processes.ts";
import type { Target, TargetKey } from "./targets.ts";
import { requestBodyFor } from "./wire.ts";
import { runWrk, writeWrkScript, type WrkResult } from "./wrk.ts";

/**
 * The closed loop's body. wrk's check is a substring match on the nonce'd sentence, which both
 * APIs' non-streaming answers carry whole.
 */
const closedLoopBody = (target: Target) =>
  requestBodyFor(target.wire ?? "openai", target.model, false);

export const OVERHEAD_HEADER = "x-litellm-overhead-duration-ms";

export interface BenchSettings {
  quick: boolean;
  connections: number;
  closedWarmupS: number;
  closedDurationS: number;
  openWarmupS: number;
  openDurationS: number;
  rates: number[];
  streamRate: number;
  streamDurationS: number;
  pin: boolean;
}

export interface ClosedLoopRun extends WrkResult {
  /** Proxy CPU (utime + stime) per request served, ms; undefined for `direct`. */
  cpuMsPerRequest?: number;
  /** The fake upstream's own CPU per request, ms: a sanity check that it is not the limit. */
  upstreamCpuMsPerRequest: number;
  /** CPU the rest of the machine used meanwhile, in cores (other engineers' tests, etc.). */
  foreignCores: number;
}

export interface OpenLoopRun extends OpenLoopResult {
  rate: number;
  cpuMsPerRequest?: number;
  saturated: boolean;
  /**
   * Direct to the fake at the same rate, measured right before this run: overhead is this run
   * minus that one, so a burst of foreign load minutes earlier cannot skew it.
   */
  pairedDirect?: { latency?: Percentiles; ttfb?: Percentiles; saturated: boolean };
}

export interface TargetRun {
  key: TargetKey;
  closed?: ClosedLoopRun;
  open: OpenLoopRun[];
  stream?: OpenLoopRun;
  peakRssMiB?: number;
  /** Resident memory right after start-up, before any load. */
  startRssMiB?: number;
  /** CPU the rest of the machine used during all of this target's measurements, in cores. */
  foreignCores?: number;
  bad: number;
  failure?: string;
}

export interface MeasureContext {
  settings: BenchSettings;
  benchDir: string;
  workDir: string;
  fake: ServerProcess;
  /** The default reference for overheads; a target's own `reference` wins. */
  direct: Target;
  startRss: Map<TargetKey, number>;
  /** Every long-running process the harness started, for the foreign-CPU estimate. */
  allServers: () => ServerProcess[];
  log: (line: string) => void;
}

function cpuOf(server: ServerProcess | undefined): number {
  if (!server) return 0;
  try {
    return processCpuMs(server.pid);
  } catch {
    return 0;
  }
}

/** Re-pins a running process, all its threads, to `cpus` ("0", "1", "0,1"). */
export function pin(server: ServerProcess | undefined, cpus: string): void {
  if (!server) return;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(server.pid)], { stdio: "ignore" });
  } catch {
    // taskset missing or the process gone: latency runs go on unpinned (said in the report).
  }
}

export function tasksetAvailable(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Snapshot of our own CPU (servers + this process + reaped children) and the machine's. */
function cpuSnapshot(context: MeasureContext) {
  const ours =
    context.allServers().reduce((sum, server) => sum + cpuOf(server), 0) +
    selfAndReapedChildrenCpuMs();
  return { ours, machine: machineBusyCpuMs(), wall: performance.now() };
}

/**
 * Closed-loop load before the first repetition, once per target: a fresh process pays its JIT
 * compilation and first-use costs here instead of in whichever target the order puts first
 * (the master- and virtual-key targets share one gateway process). Responses are checked and
 * returned so a failure shows.
 */
export async function warmUpTarget(
  context: MeasureContext,
  target: Target,
  durationS: number,
): Promise<WrkResult> {
  const script = join(context.workDir, `${target.key}-warmup.lua`);
  writeWrkScript(script, closedLoopBody(target), target.headers, EXPECTED_CONTENT);
  return runWrk({
    url: target.url,
    script,
    connections: context.settings.connections,
    durationS,
    cwd: context.workDir,
  });
}

async function closedLoop(context: MeasureContext, target: Target): Promise<ClosedLoopRun> {
  const { settings } = context;
  const script = join(context.workDir, `${target.key}.lua`);
  writeWrkScript(script, closedLoopBody(target), target.headers, EXPECTED_CONTENT);
  const wrk = (durationS: number) =>
    runWrk({
      url: target.url,
      script,
      connections: settings.connections,
      durationS,
      cwd: context.workDir,
    });
  await wrk(settings.closedWarmupS);
  const proxyBefore = cpuOf(target.process);
  const fakeBefore = cpuOf(context.fake);
  const before = cpuSnapshot(context);
  const result = await wrk(settings.closedDurationS);
  const after = cpuSnapshot(context);
  const proxyMs = cpuOf(target.process) - proxyBefore;
  const fakeMs = cpuOf(context.fake) - fakeBefore;
  const foreignMs = Math.max(0, after.machine - before.machine - (after.ours - before.ours));
  return {
    ...result,
    ...(target.process ? { cpuMsPerRequest: proxyMs / result.requests } : {}),
    upstreamCpuMsPerRequest: fakeMs / result.requests,
    foreignCores: foreignMs / (after.wall - before.wall),
  };
}

async function openLoop(
  context: MeasureContext,
  target: Target,
  rate: number,
  durationS: number,
  stream: boolean,
): Promise<OpenLoopRun> {
  const options: OpenLoopOptions = {
    url: target.url,
    headers: target.headers,
    body: requestBodyFor(target.wire ?? "openai", target.model, stream),
    stream,
    wire: target.wire ?? "openai",
    rate,
    durationS,
    connections: 256,
    timeoutMs: 10_000,
    overheadHeader: OVERHEAD_HEADER,
  };
  const nodeArgs = ["--import", "tsx", "src/open-loop.ts", JSON.stringify(options)];
  const [command, args] = context.settings.pin
    ? ["taskset", ["-c", "0", process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const cpuBefore = cpuOf(target.process);
  const run = await runCommand(command as string, args as string[], context.benchDir);
  const cpuMs = cpuOf(target.process) - cpuBefore;
  if (run.code !== 0) throw new Error(`open-loop generator failed: ${run.stderr || run.stdout}`);
  const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as OpenLoopResult;
  const served = result.ok + result.non200 + result.wrongContent;
  return {
    ...result,
    rate,
    ...(target.process && served > 0 ? { cpuMsPerRequest: cpuMs / served } : {}),
    // Short of 98% of the schedule answered correctly, or slower than 95% of the rate:
    // the percentiles then measure a growing queue, not the target's latency.
    saturated: result.ok < 0.98 * result.scheduled || result.achievedRps < 0.95 * rate,
  };
}

export async function measureTarget(context: MeasureContext, target: Target): Promise<TargetRun> {
  const { settings, log } = context;
  const run: TargetRun = { key: target.key, open: [], bad: 0 };
  const start = cpuSnapshot(context);
  try {
    // Throughput: unpinned, everything shares the 2 cores (as in the doc's table).
    pin(target.process, "0,1");
    pin(context.fake, "0,1");
    log(
      `  ${target.key}: closed loop ${settings.closedWarmupS}s warm-up + ${settings.closedDurationS}s`,
    );
    run.closed = await closedLoop(context, target);
    run.bad += run.closed.non200 + run.closed.wrongContent + run.closed.socketErrors;

    // Latency: proxy alone on core 1; generator and fake on core 0.
    if (settings.pin) {
      pin(target.process, "1");
      pin(context.fake, "0");
    }
    log(
      `  ${target.key}: open loop ${settings.rates.join("/")} RPS × ${settings.openDurationS}s, stream ${settings.streamRate} RPS`,
    );
    const rates = [...settings.rates].sort((a, b) => a - b);
    await openLoop(context, target, rates[0]!, settings.openWarmupS, false);
    const paired = async (rate: number, durationS: number, stream: boolean) => {
      // A direct is its own reference; a proxy is paired with the direct it fronts.
      if (!target.process) return undefined;
      const reference = target.reference ?? context.direct;
      const direct = await openLoop(context, reference, rate, durationS, stream);
      return {
        ...(direct.latency ? { latency: direct.latency } : {}),
        ...(direct.ttfb ? { ttfb: direct.ttfb } : {}),
        saturated: direct.saturated,
      };
    };
    for (const rate of rates) {
      const pairedDirect = await paired(rate, settings.openDurationS, false);
      const open = await openLoop(context, target, rate, settings.openDurationS, false);
      if (pairedDirect) open.pairedDirect = pairedDirect;
      run.open.push(open);
      run.bad += open.non200 + open.wrongContent + open.transportErrors;
    }
    const pairedStream = await paired(settings.streamRate, settings.streamDurationS, true);
    run.stream = await openLoop(
      context,
      target,
      settings.streamRate,
      settings.streamDurationS,
      true,
    );
    if (pairedStream) run.stream.pairedDirect = pairedStream;
    run.bad += run.stream.non200 + run.stream.wrongContent + run.stream.transportErrors;
  } catch (error) {
    run.failure = (error as Error).message;
    log(`  ${target.key}: FAILED: ${run.failure}`);
  } finally {
    pin(target.process, "0,1");
    pin(context.fake, "0,1");
  }
  const end = cpuSnapshot(context);
  run.foreignCores =
    Math.max(0, end.machine - start.machine - (end.ours - start.ours)) / (end.wall - start.wall);
  const rss = target.process ? peakRssMiB(target.process.pid) : undefined;
  if (rss !== undefined) run.peakRssMiB = rss;
  const startRss = context.startRss.get(target.key);
  if (startRss !== undefined) run.startRssMiB = startRss;
  return run;
}
