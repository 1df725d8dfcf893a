/**
 * Issue 22: process CPU per non-streamed chat call spent by the Router (with @org/core's call,
 * the OpenAI adapter and the undici transport), against the floor: a bare undici request loop
 * to the same upstream. Not a test: run it by hand, on a machine as quiet as you can get.
 *
 *   pnpm --filter @org/router exec tsx bench/router-cpu.bench.ts [--calls 20000] [--concurrency 50]
 *   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/router-cpu.bench.ts --only router
 *
 * On a shared, loaded machine, runs minutes apart differ by more than a change gains. To
 * compare two versions, `--baseline <other tree>/packages/router/src/index.ts` (e.g. a
 * `git archive <commit> packages/core packages/router` unpacked beside this one, with its
 * node_modules copied) loads that Router too, and the two and the floor run in alternating
 * batches of `--calls` in one process, `--rounds` times: each sees the same load. Medians.
 *
 * The fake upstream runs in a child process, so `process.cpuUsage()` here counts the client side
 * alone (router or floor), not the upstream's work. The Router is built the way apps/gateway
 * builds it (build-gateway.ts): the memory store, composed hooks (a budget-like preCall, a
 * postCall, responseHeaders), @org/core's o200k token counter, a response size bound.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { countChatTokens, countTextTokens } from "@org/core";
import type { ChatCompletionRequest } from "@org/core";
import * as current from "../src/index.ts";

type RouterModule = Pick<typeof current, "Router" | "composeHooks">;

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "50" },
    warmup: { type: "string", default: "5000" },
    only: { type: "string" }, // "router" or "floor"
    rounds: { type: "string", default: "3" },
    baseline: { type: "string" },
  },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
const ROUNDS = Number(values.rounds);

const CONTENT = "bench-ok 7f3a9c: the quick brown fox jumps over the lazy dog";
const COMPLETION_JSON = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: CONTENT, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 14, total_tokens: 38 },
  system_fingerprint: "fp_bench",
});

// The upstream: a bare node:http server in its own process, same bytes for every POST.
const UPSTREAM_SOURCE = `
const body = Buffer.from(${JSON.stringify(COMPLETION_JSON)});
const headers = { "content-type": "application/json", "content-length": String(body.length) };
const server = require("node:http").createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => res.writeHead(200, headers).end(body));
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => process.stdout.write("listening " + server.address().port + "\\n"));
process.on("disconnect", () => process.exit(0));
`;

async function startUpstream(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ["-e", UPSTREAM_SOURCE], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(/listening (\d+)/.exec(line.toString())?.[1]);
  if (!Number.isInteger(port)) throw new Error(`upstream did not start: ${line.toString()}`);
  return { port, stop: () => child.kill() };
}

const REQUEST: ChatCompletionRequest = {
  model: "bench-model",
  messages: [
    { role: "system", content: "You are a terse assistant." },
    { role: "user", content: "Say the benchmark sentence." },
  ],
  max_tokens: 32,
  temperature: 0,
};
const REQUEST_BODY = JSON.stringify({ ...REQUEST, model: "gpt-4o-mini" });

/** Runs `call` `total` times, `concurrency` at a time; returns CPU-ms per call. */
async function measure(total: number, call: () => Promise<void>): Promise<number> {
  let started = 0;
  const before = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / total;
}

function buildRouter(port: number, { Router, composeHooks }: RouterModule): current.Router {
  const TARGET = { provider: "openai", model: "gpt-4o" } as const;
  return new Router({
    modelList: [
      {
        model_name: "bench-model",
        litellm_params: {
          model: "openai/gpt-4o-mini",
          api_base: `http://127.0.0.1:${port}/v1`,
          api_key: "sk-bench",
        },
      },
    ],
    settings: {},
    hooks: composeHooks(
      // The gateway's budget hooks for the master key: a synchronous preCall and a postCall.
      { preCall: () => undefined, postCall: () => undefined },
      { responseHeaders: () => undefined },
      { postCall: () => undefined },
    ),
    transportOptions: { maxResponseBytes: 50 * 1024 * 1024, maxResponseSetting: "bench" },
    countTokens: (request) => countChatTokens(request as ChatCompletionRequest, TARGET),
    countCompletionTokens: (text) => (text === "" ? 0 : countTextTokens(text, TARGET)),
  });
}

interface Variant {
  name: string;
  call: () => Promise<void>;
  close: () => Promise<void>;
}

function routerVariant(name: string, router: current.Router): Variant {
  return {
    name,
    call: async () => {
      const result = await router.chatCompletion(REQUEST);
      if (result.kind !== "response") throw new Error("expected a response");
      if (result.completion.choices[0]?.message.content !== CONTENT)
        throw new Error("wrong answer");
      await result.settled;
    },
    close: () => router.close(),
  };
}

function floorVariant(port: number): Variant {
  const pool = new Pool(`http://127.0.0.1:${port}`, { pipelining: 1 });
  return {
    name: "floor",
    call: async () => {
      const response = await pool.request({
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        body: REQUEST_BODY,
      });
      const answer = (await response.body.json()) as {
        choices: { message: { content: string } }[];
      };
      if (answer.choices[0]?.message.content !== CONTENT) throw new Error("wrong answer");
    },
    close: () => pool.close(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const variants: Variant[] = [];
  try {
    if (values.only !== "floor") {
      variants.push(routerVariant("router", buildRouter(upstream.port, current)));
      if (values.baseline !== undefined) {
        const baseline = (await import(values.baseline)) as RouterModule;
        variants.push(routerVariant("baseline", buildRouter(upstream.port, baseline)));
      }
    }
    if (values.only !== "router") variants.push(floorVariant(upstream.port));
    for (const variant of variants) await measure(WARMUP, variant.call);
    const figures = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    // Alternating batches: every variant sees the machine's load of the same minutes.
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants)
        figures.get(variant.name)!.push(await measure(CALLS, variant.call));
    }
    process.stdout.write(
      `${CALLS} calls x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, node ${process.version}, CPU-ms per call\n`,
    );
    for (const [name, list] of figures) {
      process.stdout.write(
        `${name.padEnd(9)} median ${median(list).toFixed(4)}  min ${Math.min(...list).toFixed(4)}  (${list.map((v) => v.toFixed(3)).join(" ")})\n`,
      );
    }
    const ours = figures.get("router");
    const theirs = figures.get("baseline");
    if (ours !== undefined && theirs !== undefined) {
      // Round by round (same minutes, same load): the steadiest comparison on a busy machine.
      const ratios = ours.map((v, i) => v / theirs[i]!);
      const faster = ratios.filter((r) => r < 1).length;
      process.stdout.write(
        `router / baseline, per round: median ${median(ratios).toFixed(3)}, lower in ${faster} of ${ratios.length} rounds\n`,
      );
    }
  } finally {
    for (const variant of variants) await variant.close();
    upstream.stop();
  }
}

await main();
