import { join } from "node:path";
import { Pool, request } from "undici";
import type { Cli } from "./cli.ts";
import type { OpenLoopOptions, OpenLoopResult, OpenLoopVariant } from "./open-loop.ts";
import {
  EXPECTED_STREAM_TEXT,
  isExpectedCompletion,
  readStreamText,
  requestBody,
} from "./payloads.ts";
import { dropBenchSchema, postgresRedisEnv, postgresRedisFrom } from "./postgres-redis.ts";
import { peakRssMiB, processCpuMs, rssMiB } from "./proc-stats.ts";
import {
  freePort,
  runCommand,
  startProcess,
  stopProcess,
  waitForHttp,
  type ServerProcess,
} from "./processes.ts";
import { startGateway, type Paths, type Target } from "./targets.ts";
import { OVERHEAD_HEADER } from "./measure-target.ts";
import {
  FAILING_PATH,
  UPSTREAM_ERROR_MESSAGE,
  invalidRequestBody,
  toolRequestBody,
} from "./soak-payloads.ts";

/**
 * `pnpm bench --memory`: issue 22's memory figures for the gateway, embedded (PGlite) and on
 * PostgreSQL + Redis: RSS after start, what N concurrent open streams add, and RSS at the start
 * and end of a soak. Memory is barely disturbed by other processes on the machine, so one run is
 * enough; the soak's CPU-ms per request is shown but is as noisy as the machine.
 */

const HELD_MODEL = "bench-held";
const SETTLE_MS = 3_000;
/** V8 gives memory back after some idle seconds (its memory reducer): idle RSS is read then too. */
const IDLE_MS = 20_000;

export interface Reporting {
  log: (line: string) => void;
  machineFacts: () => string[];
  revision: string;
}

interface GatewayMemory {
  label: string;
  startS: number;
  rssAfterStart: number | undefined;
  rssIdle: number | undefined;
  peakAfterStart: number | undefined;
  streams?: StreamsResult;
  soak?: SoakResult;
  peakAtEnd: number | undefined;
  problem?: string;
}

interface StreamsResult {
  opened: number;
  held: number;
  rssBefore: number;
  rssWith: number;
  rssAfter: number;
  completedCorrectly: number;
  failures: string[];
}

interface SoakResult {
  durationS: number;
  rate: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  served: number;
  /** Of `served`: the mix's errors answered as they should be (status and message). */
  expectedErrors: number;
  bad: number;
  cpuMsPerRequest: number;
  samples: string[];
}

/** The soak's model whose upstream refuses every request (400). */
const FAILING_MODEL = "bench-failing";

/**
 * Per 100 requests of the soak: 45 plain answers, 35 streamed, 5 tool calls whole and 5
 * streamed, 5 refused by the upstream (400, its message passed on), 5 refused by the gateway
 * itself (malformed `messages`). Split by streaming, since each half has its own generator.
 */
function soakMix(model: string, stream: boolean): OpenLoopVariant[] {
  if (stream)
    return [
      { weight: 35, body: requestBody(model, true), stream: true, expect: "answer" },
      { weight: 5, body: toolRequestBody(model, true), stream: true, expect: "tool-call" },
    ];
  return [
    { weight: 45, body: requestBody(model, false), stream: false, expect: "answer" },
    { weight: 5, body: toolRequestBody(model, false), stream: false, expect: "tool-call" },
    {
      weight: 5,
      body: requestBody(FAILING_MODEL, false),
      stream: false,
      expect: { status: 400, mentions: UPSTREAM_ERROR_MESSAGE },
    },
    {
      weight: 5,
      body: invalidRequestBody(model),
      stream: false,
      expect: { status: 400, mentions: "messages" },
    },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (v: number | undefined) => (v === undefined ? "n/a" : v.toFixed(0));

async function startHeldFake(paths: Paths): Promise<{ process: ServerProcess; origin: string }> {
  const port = await freePort();
  const server = startProcess({
    name: "held-stream upstream",
    command: process.execPath,
    args: ["--import", "tsx", "src/held-stream-upstream.ts", String(port)],
    cwd: paths.benchDir,
    logFile: join(paths.workDir, "held-stream-upstream.log"),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(server, `${origin}/__held`, 30_000);
  return { process: server, origin };
}

async function heldCount(origin: string): Promise<number> {
  const response = await request(`${origin}/__held`);
  return ((await response.body.json()) as { held: number }).held;
}

async function release(origin: string): Promise<void> {
  const response = await request(`${origin}/__release`, { method: "POST" });
  await response.body.dump();
}

/** RSS now, or the highest of a few samples over `ms` when given (streams settle unevenly). */
async function sampleRss(pid: number, ms = 0): Promise<number> {
  let max = rssMiB(pid) ?? 0;
  for (let waited = 0; waited < ms; waited += 250) {
    await sleep(250);
    max = Math.max(max, rssMiB(pid) ?? 0);
  }
  return max;
}

/**
 * Opens `count` streams at once through the gateway to the held model, waits until the upstream
 * holds every one and every client has its first bytes, measures, then releases them and checks
 * each stream ended with the whole sentence and [DONE].
 */
async function measureStreams(
  gateway: Target,
  fakeOrigin: string,
  count: number,
  log: Reporting["log"],
): Promise<StreamsResult> {
  const pid = gateway.process!.pid;
  const url = new URL(gateway.url);
  const pool = new Pool(url.origin, {
    connections: count,
    pipelining: 1,
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
  });
  const failures: string[] = [];
  let firstBytes = 0;
  try {
    const rssBefore = await sampleRss(pid);
    const body = requestBody(HELD_MODEL, true);
    const streams = Array.from({ length: count }, async () => {
      try {
        const response = await pool.request({
          path: url.pathname,
          method: "POST",
          headers: gateway.headers,
          body,
        });
        response.body.setEncoding("utf8");
        let text = "";
        let first = true;
        for await (const chunk of response.body) {
          if (first) ((first = false), (firstBytes += 1));
          text += chunk as string;
        }
        const parsed = readStreamText(text);
        if (response.statusCode !== 200 || !parsed.done || parsed.text !== EXPECTED_STREAM_TEXT) {
          if (failures.length < 3) failures.push(`${response.statusCode}: ${text.slice(0, 200)}`);
          return false;
        }
        return true;
      } catch (error) {
        if (failures.length < 3) failures.push((error as Error).message);
        return false;
      }
    });
    const deadline = Date.now() + 180_000;
    let held = 0;
    while (Date.now() < deadline) {
      held = await heldCount(fakeOrigin);
      if (held >= count && firstBytes >= count) break;
      await sleep(500);
    }
    log(`streams: ${held} held upstream, ${firstBytes} of ${count} clients have their first bytes`);
    const rssWith = await sampleRss(pid, SETTLE_MS);
    await release(fakeOrigin);
    const completedCorrectly = (await Promise.all(streams)).filter(Boolean).length;
    const rssAfter = await sampleRss(pid, 1_000);
    return { opened: count, held, rssBefore, rssWith, rssAfter, completedCorrectly, failures };
  } finally {
    await pool.close();
  }
}

async function openLoopProcess(
  paths: Paths,
  gateway: Target,
  rate: number,
  durationS: number,
  stream: boolean,
  variants?: OpenLoopVariant[],
): Promise<OpenLoopResult> {
  const options: OpenLoopOptions = {
    ...(variants ? { variants } : {}),
    url: gateway.url,
    headers: gateway.headers,
    body: requestBody(gateway.model, stream),
    stream,
    rate,
    durationS,
    connections: 256,
    timeoutMs: 10_000,
    overheadHeader: OVERHEAD_HEADER,
  };
  const run = await runCommand(
    process.execPath,
    ["--import", "tsx", "src/open-loop.ts", JSON.stringify(options)],
    paths.benchDir,
  );
  if (run.code !== 0) throw new Error(`open-loop generator failed: ${run.stderr || run.stdout}`);
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as OpenLoopResult;
}

/**
 * The soak: non-streaming and streaming requests at once (60% / 40% of the rate), open loop,
 * every answer checked; RSS sampled every second. The mix (`soakMix`): plain answers, tool calls
 * (whole and streamed), an upstream's 400 and the gateway's own 400 for a malformed request. Start is the RSS after the first tenth of the
 * run (the first requests load lazily built parts: tokenizers, prepared statements).
 */
async function soak(
  paths: Paths,
  gateway: Target,
  durationS: number,
  rate: number,
): Promise<SoakResult> {
  const pid = gateway.process!.pid;
  const rssSeries: number[] = [];
  let running = true;
  const sampler = (async () => {
    while (running) {
      rssSeries.push(rssMiB(pid) ?? 0);
      await sleep(1_000);
    }
  })();
  const cpuBefore = processCpuMs(pid);
  const [plain, streamed] = await Promise.all([
    openLoopProcess(paths, gateway, rate * 0.6, durationS, false, soakMix(gateway.model, false)),
    openLoopProcess(paths, gateway, rate * 0.4, durationS, true, soakMix(gateway.model, true)),
  ]);
  const cpuMs = processCpuMs(pid) - cpuBefore;
  running = false;
  await sampler;
  const startIndex = Math.min(rssSeries.length - 1, Math.max(1, Math.round(rssSeries.length / 10)));
  const served = plain.ok + streamed.ok;
  const bad =
    plain.non200 +
    plain.wrongContent +
    plain.transportErrors +
    streamed.non200 +
    streamed.wrongContent +
    streamed.transportErrors;
  return {
    durationS,
    rate,
    expectedErrors: plain.expectedErrors + streamed.expectedErrors,
    rssStart: rssSeries[startIndex] ?? 0,
    rssEnd: rssSeries.at(-1) ?? 0,
    rssMax: Math.max(...rssSeries),
    served,
    bad,
    cpuMsPerRequest: cpuMs / Math.max(1, served + bad),
    samples: [...plain.errorSamples, ...streamed.errorSamples].slice(0, 3),
  };
}

async function measureGateway(
  cli: Cli,
  paths: Paths,
  fakeOrigin: string,
  label: string,
  logName: string,
  env: Record<string, string> | undefined,
  reporting: Reporting,
): Promise<GatewayMemory> {
  const { log } = reporting;
  const startedAt = performance.now();
  const gateway = await startGateway(paths, fakeOrigin, {
    logName,
    ...(env ? { env } : {}),
    extraModels: [
      { name: HELD_MODEL, apiBase: `${fakeOrigin}/held/v1` },
      { name: FAILING_MODEL, apiBase: `${fakeOrigin}${FAILING_PATH}v1` },
    ],
  });
  const pid = gateway.process!.pid;
  const result: GatewayMemory = {
    label,
    startS: (performance.now() - startedAt) / 1000,
    rssAfterStart: undefined,
    rssIdle: undefined,
    peakAfterStart: undefined,
    peakAtEnd: undefined,
  };
  try {
    await sleep(SETTLE_MS);
    result.rssAfterStart = rssMiB(pid);
    await sleep(IDLE_MS - SETTLE_MS);
    result.rssIdle = rssMiB(pid);
    result.peakAfterStart = peakRssMiB(pid);
    log(
      `${label}: RSS after start ${fmt(result.rssAfterStart)} MiB, idle ${fmt(result.rssIdle)} (peak ${fmt(result.peakAfterStart)})`,
    );
    // A correct answer first; then a short mixed warm-up so the streams' baseline includes what
    // the first requests build (a stream opened on a cold gateway would count those too).
    const check = await request(gateway.url, {
      method: "POST",
      headers: gateway.headers,
      body: requestBody(gateway.model, false),
    });
    const text = await check.body.text();
    if (check.statusCode !== 200 || !isExpectedCompletion(text))
      throw new Error(`check failed: ${check.statusCode} ${text.slice(0, 200)}`);
    await Promise.all([
      openLoopProcess(paths, gateway, 60, 3, false),
      openLoopProcess(paths, gateway, 40, 3, true),
    ]);
    await sleep(1_000);
    result.streams = await measureStreams(gateway, fakeOrigin, cli.streams, log);
    log(
      `${label}: ${cli.streams} open streams: RSS ${fmt(result.streams.rssBefore)} → ${fmt(result.streams.rssWith)} MiB, ${result.streams.completedCorrectly} completed correctly`,
    );
    if (cli.soakS > 0) {
      log(`${label}: soak ${cli.soakS} s at ${cli.soakRate} RPS`);
      result.soak = await soak(paths, gateway, cli.soakS, cli.soakRate);
    }
    result.peakAtEnd = peakRssMiB(pid);
  } catch (error) {
    result.problem = (error as Error).message;
    log(`${label}: ${result.problem}`);
  } finally {
    await stopProcess(gateway.process!);
  }
  return result;
}

export async function runMemory(cli: Cli, paths: Paths, reporting: Reporting): Promise<string> {
  const { log } = reporting;
  const startedAt = new Date();
  const notes: string[] = [];
  const fake = await startHeldFake(paths);
  const results: GatewayMemory[] = [];
  const pgRedis = postgresRedisFrom(cli, process.env, startedAt);
  try {
    results.push(
      await measureGateway(
        cli,
        paths,
        fake.origin,
        "embedded (PGlite)",
        "gateway",
        undefined,
        reporting,
      ),
    );
    if (typeof pgRedis === "string") notes.push(`PostgreSQL + Redis gateway skipped: ${pgRedis}.`);
    else {
      notes.push(`PostgreSQL + Redis: ${pgRedis.shown}`);
      results.push(
        await measureGateway(
          cli,
          paths,
          fake.origin,
          "PostgreSQL + Redis",
          "gateway-postgres-redis",
          postgresRedisEnv(pgRedis),
          reporting,
        ),
      );
      const left = await dropBenchSchema(pgRedis);
      if (left) notes.push(left);
    }
  } finally {
    await stopProcess(fake.process);
  }

  const row = (name: string, cell: (r: GatewayMemory) => string) =>
    `| ${name} | ${results.map(cell).join(" | ")} |`;
  const lines = [
    `# Gateway memory, ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`,
    "",
    ...reporting.machineFacts(),
    reporting.revision,
    `- the real gateway process as \`pnpm start\` runs it (\`node --enable-source-maps apps/gateway/dist/server.mjs\`, NODE_ENV=production, master key), a fresh data dir or schema; MiB from /proc/<pid>/status (VmRSS, VmHWM)`,
    `- RSS after start: ${SETTLE_MS / 1000} s after /health/liveliness first answered, and idle: ${IDLE_MS / 1000} s after (V8 returns memory after a few idle seconds), before any request`,
    `- streams: after one checked request and a 3 s mixed warm-up, ${cli.streams} streaming requests opened at once through the gateway to a fake that sends the first events and then holds each stream; "with" is the highest RSS over ${SETTLE_MS / 1000} s once every stream is open, then all are released and each is checked (whole sentence and [DONE])`,
    ...(cli.soakS > 0
      ? [
          `- soak: ${cli.soakS} s open loop at ${cli.soakRate} RPS, 60% non-streaming and 40% streaming; per 100 requests 45 plain, 35 streamed, 5 tool calls whole and 5 streamed, 5 refused by the upstream (400) and 5 by the gateway (malformed messages); every answer checked (the errors: status and message); start = RSS after the first tenth of the run, end = the last sample`,
        ]
      : ["- soak: skipped (--soak 0)"]),
    ...notes.map((note) => `- ${note}`),
    "",
    `| MiB | ${results.map((r) => r.label).join(" | ")} |`,
    `|---|${results.map(() => "---:").join("|")}|`,
    row("start-up time, s", (r) => r.startS.toFixed(1)),
    row(`RSS ${SETTLE_MS / 1000} s after start`, (r) => fmt(r.rssAfterStart)),
    row(`RSS idle, ${IDLE_MS / 1000} s after start`, (r) => fmt(r.rssIdle)),
    row("peak RSS during start", (r) => fmt(r.peakAfterStart)),
    row("RSS before the streams", (r) => fmt(r.streams?.rssBefore)),
    row(`RSS with ${cli.streams} open streams`, (r) => fmt(r.streams?.rssWith)),
    row(`added by ${cli.streams} streams`, (r) =>
      r.streams ? `+${(r.streams.rssWith - r.streams.rssBefore).toFixed(0)}` : "n/a",
    ),
    row("streams held upstream / completed correctly", (r) =>
      r.streams ? `${r.streams.held} / ${r.streams.completedCorrectly}` : "n/a",
    ),
    row("RSS after the streams closed", (r) => fmt(r.streams?.rssAfter)),
    ...(cli.soakS > 0
      ? [
          row("soak: RSS at start / end", (r) =>
            r.soak ? `${fmt(r.soak.rssStart)} / ${fmt(r.soak.rssEnd)}` : "n/a",
          ),
          row("soak: end vs start", (r) =>
            r.soak
              ? `${(((r.soak.rssEnd - r.soak.rssStart) / r.soak.rssStart) * 100).toFixed(1)}%`
              : "n/a",
          ),
          row("soak: highest RSS", (r) => fmt(r.soak?.rssMax)),
          row("soak: correct answers (of them expected errors) / bad", (r) =>
            r.soak ? `${r.soak.served} (${r.soak.expectedErrors}) / ${r.soak.bad}` : "n/a",
          ),
          row("soak: CPU-ms per request (noisy)", (r) =>
            r.soak ? r.soak.cpuMsPerRequest.toFixed(3) : "n/a",
          ),
        ]
      : []),
    row("peak RSS over the run (VmHWM)", (r) => fmt(r.peakAtEnd)),
    "",
  ];
  for (const r of results) {
    const problems = [
      ...(r.problem ? [r.problem] : []),
      ...(r.streams?.failures ?? []),
      ...(r.soak?.samples ?? []),
    ];
    if (problems.length > 0) lines.push(`- ${r.label}: ${problems.join(" | ")}`);
  }
  return lines.join("\n") + "\n";
}
