import { pathToFileURL } from "node:url";
import { Pool } from "undici";
import { CACHE_HIT_HEADER } from "./payloads.ts";
import { percentiles, type Percentiles } from "./percentiles.ts";
import { isExpectedError, isExpectedToolCall } from "./soak-payloads.ts";
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
  /**
   * A mix instead of the one body (the soak): each request takes one of these, in proportion
   * to their weights (a fixed pseudo-random sequence), and is checked by its own rule.
   */
  variants?: OpenLoopVariant[];
}

export interface OpenLoopVariant {
  weight: number;
  body: string;
  stream: boolean;
  /** The bench's answer, the bench's tool call, or an expected error (status, message part). */
  expect: "answer" | "tool-call" | { status: number; mentions: string };
}

export interface OpenLoopResult {
  scheduled: number;
  ok: number;
  non200: number;
  wrongContent: number;
  transportErrors: number;
  /** Correct responses with `x-litellm-cache-hit: True`. */
  cacheHits: number;
  /** Of `ok`: the expected errors of a mix (right status, right message). */
  expectedErrors: number;
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
  const result = {
    ok: 0,
    non200: 0,
    wrongContent: 0,
    transportErrors: 0,
    cacheHits: 0,
    expectedErrors: 0,
  };
  const variants: OpenLoopVariant[] = options.variants ?? [
    { weight: 1, body: options.body, stream: options.stream, expect: "answer" },
  ];
  const pickVariant = weightedPicker(variants);
  let maxSendLagMs = 0;
  const noteError = (text: string) => {
    if (errorSamples.length < 5) errorSamples.push(text.slice(0, 300));
  };

  const fire = async (intended: number, variant: OpenLoopVariant): Promise<void> => {
    try {
      const response = await pool.request({
        path,
        method: "POST",
        headers: options.headers,
        body: variant.body,
      });
      let text = "";
      let firstByte: number | undefined;
      response.body.setEncoding("utf8");
      for await (const chunk of response.body) {
        firstByte ??= performance.now();
        text += chunk as string;
      }
      const end = performance.now();
      const expect = variant.expect;
      if (typeof expect === "object") {
        if (response.statusCode === expect.status && isExpectedError(text, expect.mentions)) {
          result.ok += 1;
          result.expectedErrors += 1;
        } else {
          result.wrongContent += 1;
          noteError(
            `expected ${expect.status} naming "${expect.mentions}": ${response.statusCode} ${text}`,
          );
        }
        return;
      }
      if (response.statusCode !== 200) {
        result.non200 += 1;
        noteError(`${response.statusCode}: ${text}`);
        return;
      }
      const correct =
        expect === "tool-call"
          ? isExpectedToolCall(variant.stream, text)
          : isExpectedAnswer(options.wire ?? "openai", variant.stream, text);
      if (!correct) {
        result.wrongContent += 1;
        noteError(`wrong content: ${text}`);
        return;
      }
      result.ok += 1;
      if (response.headers[CACHE_HIT_HEADER] === "True") result.cacheHits += 1;
      latencies.push(end - intended);
      if (variant.stream) ttfbs.push((firstByte ?? end) - intended);
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
        inFlight.push(fire(intended, pickVariant()));
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

/** Variants in proportion to their weights, from a fixed-seed sequence (runs compare alike). */
function weightedPicker(variants: readonly OpenLoopVariant[]): () => OpenLoopVariant {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let seed = 0x2545f491;
  return () => {
    // xorshift32: deterministic, cheap, good enough to interleave a mix.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    let r = ((seed >>> 0) / 0x1_0000_0000) * total;
    for (const v of variants) {
      r -= v.weight;
      if (r < 0) return v;
    }
    return variants[variants.length - 1]!;
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
