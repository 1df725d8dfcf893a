/**
 * What the OTel tracer costs per request, alone: N requests' span trees (server span,
 * gateway.auth, one client span per attempt; the bench gateway's shape) through the real SDK,
 * batch processor and OTLP/HTTP protobuf exporter to a sink in another process on 127.0.0.1.
 * A measurement, not a test (nothing here passes or fails):
 *
 *   pnpm --filter @org/observability exec tsx bench/request-tracer.bench.ts [--requests 40000] [--rounds 5]
 *     [--sample 0.1] [--tracer /path/to/another/request-tracer.ts]
 *
 * CPU is this process's (every thread: worker threads count), from process.cpuUsage(), over the
 * requests and the export of all their spans (forceFlush at the end), divided by the requests.
 * The requests are paced (a timer every 4 requests, about the bench gateway's rate) so the batch
 * processor exports as it goes and its queue never drops: the report checks every span arrived.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { RequestEvent } from "../src/events/request-event.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg("--requests", 40_000);
const ROUNDS = arg("--rounds", 5);
// Another implementation of the same API (say, an older commit's file, for before/after).
const tracerModule = process.argv.includes("--tracer")
  ? process.argv[process.argv.indexOf("--tracer") + 1]!
  : "../src/tracing/request-tracer.ts";
const { createRequestTracer } = (await import(
  tracerModule
)) as typeof import("../src/tracing/request-tracer.ts");
const SAMPLE = process.argv.includes("--sample")
  ? process.argv[process.argv.indexOf("--sample") + 1]
  : undefined;

// The sink: answers every POST 200 with an empty body and counts bytes, in its own process so its
// CPU is not ours.
const sink = spawn(
  process.execPath,
  [
    "-e",
    `const s=require("node:http").createServer((q,r)=>{q.resume();q.on("end",()=>{r.writeHead(200,{"content-type":"application/x-protobuf"});r.end()})});s.listen(0,"127.0.0.1",()=>console.log(s.address().port))`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const [chunk] = (await once(sink.stdout!, "data")) as [Buffer];
const port = Number(chunk.toString().trim());

function event(i: number): RequestEvent {
  const t = Date.now();
  return {
    callId: `call-${i}-0d9b6a6f8ce0a3`,
    route: "/v1/chat/completions",
    callType: "chat",
    stream: false,
    startTime: t - 3,
    apiCallStartTime: t - 2.5,
    firstTokenTime: t - 0.2,
    endTime: t,
    authTiming: { startTime: t - 2.9, endTime: t - 2.7 },
    keyHash: "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
    keyAlias: "bench-key",
    teamId: "4bf92f35-77b3-4da6-a3ce-929d0e0e4736",
    teamAlias: "bench-team",
    requestedModel: "bench-model",
    modelGroup: "bench-model",
    deploymentId: "bench-model-0",
    provider: "openai",
    providerModel: "gpt-4o-mini",
    apiBase: "http://127.0.0.1:4000/v1",
    tokens: { prompt: 12, completion: 9, cached: 0, reasoning: 0 },
    cost: 0.0000072,
    cacheHit: false,
    retries: 0,
    fallbacks: [],
    attempts: [
      {
        deploymentId: "bench-model-0",
        modelGroup: "bench-model",
        startTime: t - 2.5,
        durationMs: 2.3,
        outcome: "success",
      },
    ],
    status: "success",
    httpStatus: 200,
    tags: [],
  } as unknown as RequestEvent;
}

const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
if (SAMPLE !== undefined) {
  env.OTEL_TRACES_SAMPLER = "parentbased_traceidratio";
  env.OTEL_TRACES_SAMPLER_ARG = SAMPLE;
}

async function round(
  traced: boolean,
): Promise<{ usPerRequest: number; spans: number; requests: number }> {
  const tracer = createRequestTracer({ env });
  const events = Array.from({ length: REQUESTS }, (_, i) => event(i));
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    if (traced) tracer.recordRequest(events[i]!);
    // ~4 000 requests a second at most: the bench gateway's rate, so the queue never overflows.
    if (i % 4 === 3) await new Promise((r) => setTimeout(r, 1));
  }
  await tracer.forceFlush();
  const used = process.cpuUsage(before);
  const stats = tracer.stats();
  await tracer.shutdown();
  return {
    usPerRequest: (used.user + used.system) / REQUESTS,
    spans: stats.exportedSpans,
    requests: stats.requests,
  };
}

await round(true); // warm-up: JIT
const rows: string[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const off = await round(false);
  const on = await round(true);
  rows.push(
    `round ${r + 1}: loop alone ${off.usPerRequest.toFixed(1)} µs, traced ${on.usPerRequest.toFixed(1)} µs per request: tracing ${(on.usPerRequest - off.usPerRequest).toFixed(1)} µs (${on.requests} requests, ${on.spans} spans exported)`,
  );
  console.log(rows.at(-1));
}
sink.kill();
