import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { renderProfile, summariseProfile } from "../cpu-profile.ts";
import { processCpuMs, rssMiB } from "../proc-stats.ts";
import { stopProcess } from "../processes.ts";
import { startFloor, startGateway, type Paths, type Target } from "../targets.ts";

export interface StreamsRow {
  /** Which proxy carried the wave: the gateway, or the bare node:http + undici floor. */
  readonly proxy: "gateway" | "floor";
  readonly streams: number;
  readonly chunks: number;
  readonly seconds: number;
  /** The gateway process's CPU (all threads) per content chunk delivered, µs. */
  readonly cpuUsPerChunk: number;
  readonly rssBeforeMiB: number | undefined;
  readonly rssDuringMiB: number | undefined;
  readonly completed: number;
}

/**
 * CPU time of every live thread of `pid`, in ms with nanosecond resolution (the scheduler's
 * /proc/<pid>/task/<tid>/schedstat), where /proc's stat counts 10 ms ticks: a 10-stream wave
 * uses too little CPU for ticks. Falls back to the ticks where schedstat is missing.
 */
function threadCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return processCpuMs(pid);
  }
}

/** Milliseconds between two content chunks of one stream: a model writing ~10 tokens/s. */
const CHUNK_INTERVAL_MS = 100;

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/**
 * An OpenAI-compatible upstream whose streams trickle: one content chunk every 100 ms for
 * `chunks` chunks, then usage and [DONE], so `n` concurrent streams stay open together.
 */
async function startSlowUpstream(chunks: number): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const base = {
        id: "chatcmpl-slow",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4o-mini",
      };
      res.write(
        sse({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" } }] }),
      );
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < chunks) {
          sent++;
          res.write(sse({ ...base, choices: [{ index: 0, delta: { content: "word " } }] }));
          return;
        }
        clearInterval(timer);
        res.write(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
        res.write(
          sse({
            ...base,
            choices: [],
            usage: { prompt_tokens: 9, completion_tokens: chunks, total_tokens: 9 + chunks },
          }),
        );
        res.end("data: [DONE]\n\n");
      }, CHUNK_INTERVAL_MS);
      res.on("close", () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Opens `n` streams at once through the gateway and reads each to its end; counts content chunks. */
async function runStreams(
  url: string,
  headers: Record<string, string>,
  model: string,
  n: number,
  dispatcher: Agent,
): Promise<{ chunks: number; completed: number }> {
  let chunks = 0;
  let completed = 0;
  const body = JSON.stringify({
    model,
    stream: true,
    messages: [{ role: "user", content: "Trickle." }],
  });
  await Promise.all(
    Array.from({ length: n }, async () => {
      const response = await request(url, { method: "POST", headers, body, dispatcher });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return;
      }
      let text = "";
      for await (const piece of response.body) text += piece.toString();
      chunks += text.split('"content":"word ').length - 1;
      if (text.includes("data: [DONE]")) completed++;
    }),
  );
  return { chunks, completed };
}

/**
 * CPU per streamed chunk with 10 and 1,000 concurrent streams through the real gateway process
 * (embedded mode, master key): each stream lasts `chunks` × 100 ms, all open at once; the
 * gateway's CPU over the whole wave divided by the content chunks it delivered.
 */
export async function streamsScale(
  paths: Paths,
  sizes: readonly number[],
  chunks: number,
  log: (line: string) => void,
  /** Profile the gateway (node --cpu-prof) and summarise the largest wave: its markdown. */
  profile = false,
): Promise<{ rows: StreamsRow[]; profile?: string }> {
  const upstream = await startSlowUpstream(chunks);
  const profDir = join(paths.workDir, "scale-streams-prof");
  if (profile) mkdirSync(profDir, { recursive: true });
  const gateway = await startGateway(paths, upstream.origin, {
    logName: "scale-streams",
    ...(profile ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] } : {}),
  });
  let window: { start: number; end: number; chunks: number } | undefined;
  let stopped: number | undefined;
  const dispatcher = new Agent({ connections: Math.max(...sizes) + 10, pipelining: 0 });
  const rows: StreamsRow[] = [];
  /** Every size through one proxy: CPU per content chunk and RSS of its process. */
  const waves = async (proxy: StreamsRow["proxy"], target: Target) => {
    const pid = target.process!.pid;
    // Warm-up: the JIT and the connection pools, not measured.
    await runStreams(target.url, target.headers, target.model, 20, dispatcher);
    for (const streams of sizes) {
      log(`streams: ${streams} concurrent streams × ${chunks} chunks through the ${proxy}`);
      const rssBeforeMiB = rssMiB(pid);
      let rssDuringMiB: number | undefined;
      const sampler = setInterval(() => {
        const rss = rssMiB(pid);
        if (rss !== undefined && (rssDuringMiB === undefined || rss > rssDuringMiB))
          rssDuringMiB = rss;
      }, 200);
      const cpu0 = threadCpuMs(pid);
      const started = performance.now();
      const result = await runStreams(
        target.url,
        target.headers,
        target.model,
        streams,
        dispatcher,
      );
      const ended = performance.now();
      if (proxy === "gateway") window = { start: started, end: ended, chunks: result.chunks };
      clearInterval(sampler);
      const cpuMs = threadCpuMs(pid) - cpu0;
      rows.push({
        proxy,
        streams,
        chunks: result.chunks,
        seconds: (ended - started) / 1000,
        cpuUsPerChunk: result.chunks > 0 ? (cpuMs * 1000) / result.chunks : NaN,
        rssBeforeMiB,
        rssDuringMiB,
        completed: result.completed,
      });
    }
  };
  try {
    await waves("gateway", gateway);
    // SIGTERM: the gateway leaves through process.exit, which makes --cpu-prof write its file.
    await stopProcess(gateway.process!, 60_000);
    stopped = performance.now();
    // The same waves through the floor: what any Node proxy pays per chunk on this machine
    // (a read from the upstream, a write to the client), the gateway's share being the rest.
    const floor = await startFloor(paths, upstream.origin);
    try {
      await waves("floor", floor);
    } finally {
      await stopProcess(floor.process!);
    }
  } finally {
    await dispatcher.close();
    await stopProcess(gateway.process!);
    upstream.server.closeAllConnections();
    await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  }
  if (!profile || window === undefined || stopped === undefined) return { rows };
  // The main thread's profile has thread id 0 (tsx's loader worker writes one too).
  const file = readdirSync(profDir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (file === undefined) return { rows, profile: "(no main-thread profile was written)" };
  const summary = summariseProfile(join(profDir, file), paths.repoRoot, 30, {
    startBeforeEndMs: stopped - window.start,
    lengthMs: window.end - window.start,
  });
  // Per "request" in the rendering means per content chunk here.
  return { rows, profile: renderProfile(summary, window.chunks) };
}

const mib = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(0));

export function renderStreams(rows: readonly StreamsRow[]): string[] {
  return [
    "| proxy | concurrent streams | content chunks delivered | streams completed | wave seconds | CPU per chunk | RSS before, MiB | peak RSS during, MiB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.proxy} | ${r.streams.toLocaleString("en-US")} | ${r.chunks.toLocaleString("en-US")} | ${r.completed.toLocaleString("en-US")} | ${r.seconds.toFixed(1)} | ${r.cpuUsPerChunk.toFixed(1)} µs | ${mib(r.rssBeforeMiB)} | ${mib(r.rssDuringMiB)} |`,
    ),
  ];
}
