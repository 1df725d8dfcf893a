import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import type { FakeServer } from "@org/testing";
import { budgetsKeyPrefixOf } from "../budgets/budgets-key-prefix.ts";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { freeRedisDatabase } from "../testing/free-redis-database.ts";
import {
  estimatedCost,
  INPUT_COST_PER_TOKEN,
  OUTPUT_COST_PER_TOKEN,
  pricedRequest,
  startPricedUpstream,
  writePricedConfig,
} from "../testing/priced-upstream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");
const MASTER = "sk-crash-master";
const WORKERS = 8;
/** The spawned gateway's default Redis prefixes (the process has no option to change them). */
const PREFIX = "llmgw:";

/** Polls `check` every 50 ms until it holds; fails with `what` after 15 s. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(what);
    await sleep(50);
  }
}

interface Sent {
  /** `x-litellm-call-id`: the gateway's request id, which `spend_logs.request_id` holds. */
  callId?: string;
  estimate: number;
  /** The client received the whole answer: the JSON body, or the stream to its usage and end. */
  served: boolean;
  /** Cost from the usage the client received (served requests only). */
  cost: number;
}

// Spend is never lost: every request whose answer a client fully received was journaled
// (Redis XADD) before its last bytes were sent, so after kill -9 and a restart on the same
// Redis and PostgreSQL the ledger converges to the sum of what was served.
//
// What counts: a request whose answer was fully received must be charged. A request cut by the
// kill may or may not be: the kill can land after its spend was journaled and before its last
// byte. So the assertion is
//   sum(served) <= ledger <= sum(served) + sum(estimates of requests cut by the kill)
// where each cut request would have cost at most its estimate (the fake answers exactly at it).
//
// To also prove that a restarted instance takes over journal entries the dead one had read but
// not yet written, the test holds a lock on spend_logs during the kill: the dead flusher's batch
// is then pending in the consumer group under its name, and the restarted process (a new
// consumer, `${hostname}-${pid}`) must claim it (XAUTOCLAIM once idle) and write it.
describe.skipIf(!databaseUrl || !redisUrl)("kill -9 under load (real PG + Redis)", () => {
  const id = randomBytes(4).toString("hex");
  const schema = `gw_budget_crash_${id}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it("the ledger equals the sum served after kill -9 and restart", async () => {
    const upstream: FakeServer = await startPricedUpstream({ latencyMs: 60, chunkDelayMs: 15 });
    cleanups.push(() => upstream.close());
    const sql = postgres(databaseUrl!, { max: 3, onnotice: () => {} });
    cleanups.push(async () => {
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    });
    // The process uses fixed key prefixes, so it gets a Redis database of its own.
    const redisDbUrl = await freeRedisDatabase(redisUrl!);
    const redis = new Redis(redisDbUrl);
    cleanups.push(async () => redis.disconnect());
    cleanups.push(() => dropRedisPrefix(redisDbUrl, PREFIX));

    const dataDir = await mkdtemp(join(tmpdir(), "gateway-crash-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = await writePricedConfig(dataDir, upstream);
    const boot = async (): Promise<SpawnedGateway> => {
      const g = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: dataDir,
        LITELLM_MASTER_KEY: MASTER,
        DATABASE_URL: databaseUrl!,
        DATABASE_SCHEMA: schema,
        REDIS_URL: redisDbUrl,
        LOG_LEVEL: "warn",
      });
      cleanups.push(async () => g.child.kill("SIGKILL"));
      return g;
    };

    const first = await boot();
    // The deployment's own spend stream (its budgets keys carry the deployment: see
    // budgets-key-prefix.ts).
    const [row] = await sql.unsafe<{ value: string }[]>(
      `select value from "${schema}".gateway_settings where key = 'deployment_id'`,
    );
    const STREAM = `${budgetsKeyPrefixOf(row!.value)}spend`;
    const generated = await fetch(`${first.url}/key/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
      body: JSON.stringify({ max_budget: 1000 }),
    });
    expect(generated.status).toBe(200);
    const { key } = (await generated.json()) as { key: string };
    const client = new OpenAI({ apiKey: key, baseURL: `${first.url}/v1`, maxRetries: 0 });

    // Load: WORKERS clients, each alternating non-streamed and streamed requests until the kill.
    const sent: Sent[] = [];
    let killed = false;
    const costOf = (usage: OpenAI.CompletionUsage) =>
      usage.prompt_tokens * INPUT_COST_PER_TOKEN + usage.completion_tokens * OUTPUT_COST_PER_TOKEN;
    const one = async (n: number): Promise<void> => {
      const request = pricedRequest(`request ${n}`);
      const entry: Sent = { estimate: estimatedCost(request), served: false, cost: 0 };
      sent.push(entry);
      try {
        if (n % 2 === 0) {
          const { data, response } = await client.chat.completions.create(request).withResponse();
          entry.callId = response.headers.get("x-litellm-call-id") ?? undefined;
          entry.cost = costOf(data.usage!);
          entry.served = true;
        } else {
          const { data, response } = await client.chat.completions
            .create({ ...request, stream: true, stream_options: { include_usage: true } })
            .withResponse();
          entry.callId = response.headers.get("x-litellm-call-id") ?? undefined;
          let usage: OpenAI.CompletionUsage | undefined;
          for await (const chunk of data) usage = chunk.usage ?? usage;
          // The iterator ends without error only once the body has ended normally.
          expect(usage).toBeDefined();
          entry.cost = costOf(usage!);
          entry.served = true;
        }
      } catch (error) {
        // Only the kill may cut a request.
        if (!killed) throw error;
      }
    };
    let counter = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!killed) await one(counter++);
    });

    // Let the flusher write batches normally for a while, then block its next one on a table lock.
    const count = async (query: string) => (await sql.unsafe<{ n: number }[]>(query))[0]!.n;
    await until(
      async () =>
        (await count(`select count(*)::int as n from "${schema}".spend_logs`)) >= WORKERS * 2,
      "no spend reached the database",
    );
    const locker = await sql.reserve();
    cleanups.push(async () => locker.release());
    await locker`begin`;
    await locker.unsafe(`lock table "${schema}".spend_logs in share mode`);
    await until(
      async () =>
        (await count(`select count(*)::int as n from pg_locks
           where relation = '"${schema}".spend_logs'::regclass and not granted`)) > 0,
      "the flusher never blocked on spend_logs",
    );
    // More spend journaled after the blocked batch was read (entries no consumer has read yet),
    // and requests in flight, before the kill.
    const blockedAt = sent.filter((s) => s.served).length;
    await until(
      async () => sent.filter((s) => s.served).length >= blockedAt + WORKERS,
      "no request completed while the flusher was blocked",
    );
    first.child.kill("SIGKILL");
    killed = true;
    await exited(first.child);
    await Promise.all(workers);

    const served = sent.filter((s) => s.served);
    const cut = sent.filter((s) => !s.served);
    expect(served.length).toBeGreaterThan(20);
    for (const s of served) expect(s.callId).toBeDefined();

    // The dead flusher's batch: read by it (pending under its consumer name), never written.
    const [pendingCount, , , consumers] = (await redis.xpending(STREAM, "spend-writers")) as [
      number,
      string,
      string,
      [string, string][],
    ];
    expect(pendingCount).toBeGreaterThan(0);
    const deadConsumer = consumers[0]![0];
    const journaled = await redis.xlen(STREAM);
    expect(journaled).toBeGreaterThan(pendingCount); // and more that nobody read yet
    const pendingIds = new Set(
      ((await redis.xpending(STREAM, "spend-writers", "-", "+", 10_000)) as [string][]).map(
        ([entryId]) => entryId,
      ),
    );
    const heldByDead = ((await redis.xrange(STREAM, "-", "+")) as [string, string[]][])
      .filter(([entryId]) => pendingIds.has(entryId))
      .map(([, fields]) => (JSON.parse(fields[1]!) as { requestId: string }).requestId);
    expect(heldByDead).toHaveLength(pendingCount);

    await locker`rollback`;
    locker.release();

    // Restart on the same database and Redis; its flusher drains the journal.
    const second = await boot();
    const converged = Date.now() + 30_000;
    while ((await redis.xlen(STREAM)) > 0) {
      if (Date.now() > converged) throw new Error(`journal not drained:\n${second.output()}`);
      await sleep(200);
    }
    const [pendingAfter] = (await redis.xpending(STREAM, "spend-writers")) as [number];
    expect(pendingAfter).toBe(0);

    const rows = await sql.unsafe<{ request_id: string; spend: string }[]>(
      `select request_id, spend::text as spend from "${schema}".spend_logs
        where api_key_hash = $1 and status = 'success'`,
      [hashKey(key)],
    );
    const charged = new Map(rows.map((r) => [r.request_id, Number(r.spend)]));
    // Every fully received answer is charged, at its cost.
    for (const s of served) expect(charged.get(s.callId!)).toBeCloseTo(s.cost, 12);
    const servedSum = served.reduce((sum, s) => sum + s.cost, 0);
    const ledger = [...charged.values()].reduce((sum, v) => sum + v, 0);
    const cutBound = cut.reduce((sum, s) => sum + s.estimate, 0);
    expect(ledger).toBeGreaterThanOrEqual(servedSum - 1e-12);
    expect(ledger).toBeLessThanOrEqual(servedSum + cutBound + 1e-12);
    // Charged but not received: only requests the kill cut.
    expect(charged.size - served.length).toBeLessThanOrEqual(cut.length);

    // The key's running total (what budgets start from) agrees with its logs.
    const info = await fetch(`${second.url}/key/info?key=${encodeURIComponent(key)}`, {
      headers: { authorization: `Bearer ${MASTER}` },
    });
    const { info: keyInfo } = (await info.json()) as { info: { spend: number } };
    expect(keyInfo.spend).toBeCloseTo(ledger, 12);

    // The restarted process is a new consumer: it claimed the dead one's batch and wrote it.
    for (const requestId of heldByDead) expect(charged.has(requestId)).toBe(true);
    const groupConsumers = (await redis.xinfo("CONSUMERS", STREAM, "spend-writers")) as unknown[][];
    const names = groupConsumers.map((c) => String(c[c.indexOf("name") + 1]));
    expect(names.filter((n) => n !== deadConsumer).length).toBeGreaterThan(0);

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  }, 90_000);
});
