import { pathToFileURL } from "node:url";
import { Pool } from "undici";
import { CACHE_HIT_HEADER } from "./payloads.ts";
import { percentiles, type Percentiles } from "./percentiles.ts";
import { isExpectedAnswer, type Wire } from "./wire.ts";

/**
 * Process entry: the open-loop latency generator. Sends are evenly spaced on a schedule fixed in
 * advance (request i is due at start + i/rate) and each latency is measured from the time the
 * request was DUE, not from when it actually left. A slow target therefore cannot slow the
 * generator down and hide its own queueing (no coordinated omission), unlike `hey -q` or
 * autocannon `-R`, which send in bursts. Timers, not a setImmediate spin: a spinning generator
 * eats a whole core of a 2-core box.
 *
 * Usage: node --import tsx src/open-loop.ts '<OpenLoopOptions as JSON>'; prints one JSON line
 * (OpenLoopResult) on stdout.
 */
export interface OpenLoopOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  /** The target's API, for checking its answers (default OpenAI). */
  wire?: Wire;
  rate: number;
  durationS: number;
  /** Upper bound on sockets; an overloaded target makes requests queue in the pool (and count). */
  connections: number;
  timeoutMs: number;
  /** Response header carrying the target's own server-side overhead, collected when present. */
  overheadHeader: string;
}

export interface OpenLoopResult {
  scheduled: number;
  ok: number;
  non200: number;
  wrongContent: number;
  transportErrors: number;
  /** Correct responses with `x-litellm-cache-hit: True`. */
  cacheHits: number;
  errorSamples: string[];
  /** From the intended send time to the last body byte, ms, over ok responses. */
  latency?: Percentiles;
  /** From the intended send time to the first body byte, ms (streaming only). */
  ttfb?: Percentiles;
  serverOverhead?: Percentiles;
  serverOverheadSamples: number[];
  /** How late the generator itself fired, worst case (ms): large values mean it was starved. */
  maxSendLagMs: number;
  achievedRps: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const path = url.pathname + url.search;
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  const overheads: number[] = [];
  const errorSamples: string[] = [];
  const result = { ok: 0, non200: 0, wrongContent: 0, transportErrors: 0, cacheHits: 0 };
  let maxSendLagMs = 0;
  const noteError = (text: string) => {
    if (errorSamples.length < 5) errorSamples.push(text.slice(0, 300));
  };

  const fire = async (intended: number): Promise<void> => {
    try {
      const response = await pool.request({
        path,
        method: "POST",
        headers: options.headers,
        body: options.body,
      });
      let text = "";
      let firstByte: number | undefined;
      response.body.setEncoding("utf8");
      for await (const chunk of response.body) {
        firstByte ??= performance.now();
        text += chunk as string;
      }
      const end = performance.now();
      if (response.statusCode !== 200) {
        result.non200 += 1;
        noteError(`${response.statusCode}: ${text}`);
        return;
      }
      const correct = isExpectedAnswer(options.wire ?? "openai", options.stream, text);
      if (!correct) {
        result.wrongContent += 1;
        noteError(`wrong content: ${text}`);
        return;
      }
      result.ok += 1;
      if (response.headers[CACHE_HIT_HEADER] === "True") result.cacheHits += 1;
      latencies.push(end - intended);
      if (options.stream) ttfbs.push((firstByte ?? end) - intended);
      const overhead = response.headers[options.overheadHeader];
      if (typeof overhead === "string" && overhead !== "") {
        const value = Number(overhead);
        if (Number.isFinite(value)) overheads.push(value);
      }
    } catch (error) {
      result.transportErrors += 1;
      noteError(`transport: ${(error as Error).message}`);
    }
  };

  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 20;
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total) {
        const intended = start + sent * intervalMs;
        if (intended > now) break;
        maxSendLagMs = Math.max(maxSendLagMs, now - intended);
        inFlight.push(fire(intended));
        sent += 1;
      }
      if (sent >= total) {
        resolve();
        return;
      }
      const wait = start + sent * intervalMs - performance.now();
      setTimeout(tick, Math.max(1, wait));
    };
    setTimeout(tick, 20);
  });
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - start) / 1000;
  await pool.close();

  const latency = percentiles(latencies);
  const ttfb = percentiles(ttfbs);
  const serverOverhead = percentiles(overheads);
  return {
    scheduled: total,
    ...result,
    errorSamples,
    ...(latency ? { latency } : {}),
    ...(ttfb ? { ttfb } : {}),
    ...(serverOverhead ? { serverOverhead } : {}),
    serverOverheadSamples: overheads,
    maxSendLagMs,
    achievedRps: result.ok / elapsedS,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(process.argv[2] ?? "{}") as OpenLoopOptions;
  runOpenLoop(options).then(
    (result) => {
      // Exit once the line is out: stdout to a pipe is asynchronous, and a long soak's result
      // (every overhead sample) is megabytes, which an immediate exit cut short.
      process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
    },
    (error: unknown) => {
      process.stderr.write(`open-loop failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
