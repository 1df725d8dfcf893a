import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import { SHARED_BUDGETS_KEY_PREFIX } from "../budgets/budgets-key-prefix.ts";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { freeRedisDatabase } from "../testing/free-redis-database.ts";
import { startPricedUpstream, writePricedConfig } from "../testing/priced-upstream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");
const MASTER = "sk-two-deployments-master";

// Two deployments (each its own database, as a staging and a production gateway) that an
// operator points at one Redis, each started as `pnpm start` runs it, with its default Redis
// prefixes. Each deployment's spend must land in its own database, all of it and only it: with
// one spend stream for both, each flusher read the other's records from the shared consumer
// group and wrote them into its own database (about half of each deployment's spend went to the
// other). A record an earlier version left in the shared stream is written too.
describe.skipIf(!databaseUrl || !redisUrl)("two deployments on one Redis", () => {
  const id = randomBytes(4).toString("hex");
  const schemas = [`gw_two_a_${id}`, `gw_two_b_${id}`];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it("each deployment's spend lands in its own database, once", async () => {
    const upstream = await startPricedUpstream({ latencyMs: 5 });
    cleanups.push(() => upstream.close());
    const sql = postgres(databaseUrl!, { max: 2, onnotice: () => {} });
    cleanups.push(async () => {
      for (const schema of schemas) await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    });
    // The processes use fixed key prefixes: a Redis database of their own.
    const redisDbUrl = await freeRedisDatabase(redisUrl!);
    const redis = new Redis(redisDbUrl);
    cleanups.push(async () => redis.disconnect());
    cleanups.push(() => dropRedisPrefix(redisDbUrl, "llmgw:"));

    const dataDir = await mkdtemp(join(tmpdir(), "gateway-two-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = await writePricedConfig(dataDir, upstream);
    const boot = async (schema: string): Promise<SpawnedGateway> => {
      const g = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: join(dataDir, schema),
        LITELLM_MASTER_KEY: MASTER,
        DATABASE_URL: databaseUrl!,
        DATABASE_SCHEMA: schema,
        REDIS_URL: redisDbUrl,
        LOG_LEVEL: "warn",
      });
      cleanups.push(async () => g.child.kill("SIGKILL"));
      return g;
    };
    const keyOf = async (g: SpawnedGateway) => {
      const res = await fetch(`${g.url}/key/generate`, {
        method: "POST",
        headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
        body: JSON.stringify({ max_budget: 1000 }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { key: string }).key;
    };

    // Deployment A first: its key exists before the earlier version's record is planted.
    const a = await boot(schemas[0]!);
    const keyA = await keyOf(a);
    a.child.kill("SIGTERM");
    await new Promise((resolve) => a.child.once("exit", resolve));
    // What an earlier version of A left in the shared stream (journaled, never written).
    const legacyId = `legacy-${randomUUID()}`;
    const now = Date.now();
    await redis.xadd(
      `${SHARED_BUDGETS_KEY_PREFIX}spend`,
      "*",
      "r",
      JSON.stringify({
        requestId: legacyId,
        callType: "acompletion",
        apiKeyHash: hashKey(keyA),
        spend: 0.5,
        promptTokens: 1,
        completionTokens: 1,
        totalTokens: 2,
        startTime: now,
        endTime: now,
        model: "priced",
        modelGroup: "priced",
        virtualKey: true,
        cacheHit: false,
        status: "success",
      }),
    );
    const [a2, b] = await Promise.all([boot(schemas[0]!), boot(schemas[1]!)]);
    const keyB = await keyOf(b);

    const sent = new Map<string, string[]>([
      [schemas[0]!, []],
      [schemas[1]!, []],
    ]);
    const send = async (g: SpawnedGateway, key: string, schema: string, n: number) => {
      const client = new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < n; i++) {
        const { response } = await client.chat.completions
          .create({ model: "priced", messages: [{ role: "user", content: `hello ${i}` }] })
          .withResponse();
        sent.get(schema)!.push(response.headers.get("x-litellm-call-id")!);
      }
    };
    await Promise.all([send(a2, keyA, schemas[0]!, 30), send(b, keyB, schemas[1]!, 30)]);

    // Both flushers have written everything (each flushes once a second).
    const logged = async (schema: string) =>
      (
        await sql.unsafe<{ request_id: string; api_key_hash: string }[]>(
          `select request_id, api_key_hash from "${schema}".spend_logs`,
        )
      ).map((r) => r.request_id);
    const deadline = Date.now() + 15_000;
    while (
      ((await logged(schemas[0]!)).length < 31 || (await logged(schemas[1]!)).length < 30) &&
      Date.now() < deadline
    ) {
      await sleep(200);
    }
    await sleep(1500); // and nothing more arrives from the other deployment

    const inA = await logged(schemas[0]!);
    const inB = await logged(schemas[1]!);
    expect(inA.sort()).toEqual([...sent.get(schemas[0]!)!, legacyId].sort());
    expect(inB.sort()).toEqual([...sent.get(schemas[1]!)!].sort());
    // Each key's running total is its own spend logs' sum.
    for (const [schema, key] of [
      [schemas[0]!, keyA],
      [schemas[1]!, keyB],
    ] as const) {
      const [row] = await sql.unsafe<{ spend: string; logged: string }[]>(
        `select k.spend::text as spend,
           (select coalesce(sum(spend), 0)::text from "${schema}".spend_logs where api_key_hash = k.token_hash) as logged
         from "${schema}".virtual_keys k where k.token_hash = $1`,
        [hashKey(key)],
      );
      expect(Number(row!.spend)).toBeGreaterThan(0);
      expect(row!.spend).toBe(row!.logged);
    }
    expect(await redis.xlen(`${SHARED_BUDGETS_KEY_PREFIX}spend`)).toBe(0);
  }, 90_000);
});
