import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import type { Logger } from "@org/observability";
import type { FakeServer } from "@org/testing";
import { freeRedisDatabase } from "../testing/free-redis-database.ts";
import { manage } from "../testing/manage.ts";
import {
  INPUT_COST_PER_TOKEN,
  OUTPUT_COST_PER_TOKEN,
  pricedModel,
  pricedRequest,
  startPricedUpstream,
} from "../testing/priced-upstream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");
const WORKERS = 6;

/** Polls `check` every 100 ms until it holds; fails with `what()` after `ms`. */
async function until(check: () => Promise<boolean>, what: () => string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(what());
    await sleep(100);
  }
}

/** Keeps error-level lines (message and fields) and drops the rest. */
function errorLog(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields ?? {})}`),
    child: () => logger,
  };
  return { logger, errors };
}

interface Sent {
  callId?: string;
  /** The request was sent after FLUSHDB had returned. */
  afterFlush: boolean;
  served: boolean;
  cost: number;
}

// Redis loses its data under load (a restart without persistence, FLUSHALL; here FLUSHDB on a
// database of its own). The spend stream's consumer group goes with it and XREADGROUP answers
// NOGROUP: the journal used to keep failing on it until a restart (0 of 5,086 requests recorded
// in the tester's run), and the shutdown flush then crashed. Now the loss is noticed (the
// stream's epoch key is gone), the group is recreated, an error-level alert is logged, and every
// request is charged, including the records journaled before the loss that no flusher had
// written yet (lost with Redis's data: 7 of 34 in one run before the gateway kept copies): the
// instance appends its unacknowledged records again and the writer skips those already logged.
describe.skipIf(!databaseUrl || !redisUrl)("spend when Redis loses its data under load", () => {
  const schema = `gw_redis_loss_${randomBytes(4).toString("hex")}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it("charges every request served across FLUSHDB, in spend_logs and /key/info", async () => {
    const upstream: FakeServer = await startPricedUpstream({ latencyMs: 20, chunkDelayMs: 5 });
    cleanups.push(() => upstream.close());
    const sql = postgres(databaseUrl!, { max: 2, onnotice: () => {} });
    cleanups.push(async () => {
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    });
    // A Redis database of its own, so that flushing it touches no other test.
    const redisDbUrl = await freeRedisDatabase(redisUrl!);
    const redis = new Redis(redisDbUrl);
    cleanups.push(async () => {
      await redis.flushdb();
      redis.disconnect();
    });

    const { logger, errors } = errorLog();
    const gateway = await startTestGateway({
      config: { model_list: [pricedModel(upstream)] },
      databaseUrl: databaseUrl!,
      env: { DATABASE_SCHEMA: schema, REDIS_URL: redisDbUrl },
      logger,
    });
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await gateway.close();
    });
    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      max_budget: 1000,
    });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });

    const sent: Sent[] = [];
    let flushed = false;
    let stop = false;
    const costOf = (usage: OpenAI.CompletionUsage) =>
      usage.prompt_tokens * INPUT_COST_PER_TOKEN + usage.completion_tokens * OUTPUT_COST_PER_TOKEN;
    const one = async (n: number): Promise<void> => {
      const entry: Sent = { afterFlush: flushed, served: false, cost: 0 };
      sent.push(entry);
      const request = pricedRequest(`request ${n}`);
      if (n % 2 === 0) {
        const { data, response } = await client.chat.completions.create(request).withResponse();
        entry.callId = response.headers.get("x-litellm-call-id") ?? undefined;
        entry.cost = costOf(data.usage!);
      } else {
        const { data, response } = await client.chat.completions
          .create({ ...request, stream: true, stream_options: { include_usage: true } })
          .withResponse();
        entry.callId = response.headers.get("x-litellm-call-id") ?? undefined;
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of data) usage = chunk.usage ?? usage;
        entry.cost = costOf(usage!);
      }
      entry.served = true;
    };
    let counter = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!stop) await one(counter++);
    });
    const logged = async () =>
      new Map(
        (
          await sql.unsafe<{ request_id: string; spend: string }[]>(
            `select request_id, spend::text as spend from "${schema}".spend_logs where api_key_hash = $1`,
            [hashKey(key)],
          )
        ).map((r) => [r.request_id, Number(r.spend)]),
      );

    // Spend flows normally first.
    await until(
      async () => (await logged()).size >= WORKERS * 3,
      () => "no spend reached the database",
    );
    await redis.flushdb();
    flushed = true;
    // Load goes on after the loss.
    await until(
      async () => sent.filter((s) => s.afterFlush && s.served).length >= WORKERS * 6,
      () =>
        `too few requests served after the flush: ${sent.filter((s) => s.afterFlush && s.served).length}`,
      60_000,
    );
    stop = true;
    await Promise.all(workers);

    const after = sent.filter((s) => s.afterFlush);
    expect(after.length).toBeGreaterThanOrEqual(WORKERS * 6);
    // Every request served, before the loss, across it and after it, reaches spend_logs once,
    // at its cost.
    expect(sent.every((s) => s.served && s.callId !== undefined)).toBe(true);
    let charged = new Map<string, number>();
    await until(
      async () => {
        charged = await logged();
        return sent.every((s) => charged.has(s.callId!));
      },
      () =>
        `never charged: ${after.filter((s) => !charged.has(s.callId!)).length} of ${after.length} requests sent after the flush, ` +
        `${sent.filter((s) => !s.afterFlush && !charged.has(s.callId!)).length} of ${sent.length - after.length} before it`,
    );
    for (const s of sent) expect(charged.get(s.callId!)).toBeCloseTo(s.cost, 12);
    expect(charged.size).toBe(sent.length);
    expect(errors.some((e) => e.includes("spend stream lost"))).toBe(true);

    // The key's running total agrees with its logs: nothing replayed was counted twice.
    const ledger = [...charged.values()].reduce((sum, v) => sum + v, 0);
    const info = await manage<{ info: { spend: number } }>(
      gateway,
      gateway.masterKey,
      `/key/info?key=${encodeURIComponent(key)}`,
    );
    expect(info.info.spend).toBeCloseTo(ledger, 12);
    expect(ledger).toBeCloseTo(
      sent.reduce((sum, s) => sum + s.cost, 0),
      12,
    );

    // A graceful stop afterwards completes (it used to crash on NOGROUP).
    closed = true;
    await gateway.close();
    expect(errors.filter((e) => e.includes("not written at shutdown"))).toEqual([]);
  }, 120_000);
});
