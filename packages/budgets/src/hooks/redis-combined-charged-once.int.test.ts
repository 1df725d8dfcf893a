import { randomUUID } from "node:crypto";
import { spendLogs, virtualKeys, type Database } from "@org/db";
import { eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { loseScriptReplies } from "../__fixtures__/lost-script-reply.ts";
import {
  dropPrefix,
  freshDatabase,
  integrationUrl,
  uniquePrefix,
} from "../__fixtures__/integration.ts";
import { replyCuttingProxy } from "../__fixtures__/reply-cutting-proxy.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { hashKey } from "../keys/virtual-key.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { withFallbackJournal } from "../spend/fallback-spend-journal.ts";
import { createRedisSpendJournal } from "../spend/redis-spend-journal.ts";
import { createSpendFlusher } from "../spend/spend-flusher.ts";
import { createDbSpendWriter } from "../spend/spend-writer.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const dbUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

/**
 * The money path of the combined settle (redis-combined-admission.ts: settle, release and the
 * spend record's XADD in one script) from request to PostgreSQL, through every way the append
 * can go twice or go missing: a reply lost with no re-send (the record appended again apart), a
 * reply lost and the script re-sent by ioredis, an append refused inside the script, and Redis
 * losing the stream between the settle and the flush. Each request must be in `spend_logs` once
 * and in the key's running total once, with one transaction per copy (batch size 1) so that the
 * writer's skip of logged ids, not a batch's own dedupe, is what is tested.
 */
describe.skipIf(!dbUrl || !redisUrl)(
  "combined settle to spend_logs, charged once (TEST_DATABASE_URL, TEST_REDIS_URL)",
  () => {
    const prefix = uniquePrefix("charged-once");
    const admin = redisUrl ? new Redis(redisUrl) : undefined;
    const cleanup: (() => Promise<unknown> | void)[] = [];
    let database: Database;

    beforeAll(async () => {
      const fresh = await freshDatabase(dbUrl!);
      database = fresh.database;
      cleanup.push(() => fresh.drop());
    });
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
      await dropPrefix(admin!, prefix);
      admin!.disconnect();
    });

    it("every request once in spend_logs and in the key's spend, whatever happened to its append", async () => {
      const proxy = await replyCuttingProxy(redisUrl!);
      cleanup.push(() => proxy.close());
      const redis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
      cleanup.push(() => redis.disconnect());
      // A lost reply without a re-send: the script ran, the caller is told it failed.
      const faults = loseScriptReplies(redis, "Connection is closed.");

      const logged: string[] = [];
      const logger = {
        warn() {},
        error: (message: string, fields?: unknown) =>
          logged.push(`${message} ${JSON.stringify(fields)}`),
      };
      const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}l:` });
      const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}r:` });
      const stream = `${prefix}spend`;
      const journal = withFallbackJournal(
        createRedisSpendJournal({ redis, stream, consumer: "c1", logger }),
        logger,
      );
      const hooks = createBudgetHooks({ ledger, limiter, journal, logger });
      const secret = `sk-${randomUUID()}`;
      await database.db.insert(virtualKeys).values({ tokenHash: hashKey(secret) });
      const key = buildKeyIdentity({ key: keyRow(secret, { rpmLimit: 1000, maxBudget: 100 }) });
      const costs = new Map<string, number>();
      const request = async (cost: number, before?: () => void | Promise<void>) => {
        const ctx = hookContext(key, { maxCost: 1, start: Date.now() });
        await hooks.preCall(ctx);
        await before?.();
        await hooks.postCall(ctx, { status: "success", cost });
        costs.set(ctx.callId, cost);
        return ctx.callId;
      };
      const copiesOf = async (id: string) =>
        ((await admin!.xrange(stream, "-", "+")) as [string, string[]][]).filter(
          ([, fields]) => (JSON.parse(fields[1]!) as { requestId: string }).requestId === id,
        ).length;
      const dbWriter = createDbSpendWriter(database.db, { logger });
      const flusher = createSpendFlusher({ journal, writer: dbWriter, batchSize: 1 });

      await request(0.01); // loads the scripts
      const lost = await request(0.02, () => {
        faults.loseNextScriptReply = true;
      });
      const resent = await request(0.04, () => proxy.loseReplyOfNext(stream));
      expect(proxy.cuts).toBe(1);
      expect(await copiesOf(lost)).toBe(2); // the script's copy and the one appended apart
      expect(await copiesOf(resent)).toBe(1);
      await flusher.flush(); // each copy in its own transaction

      await request(0.08, async () => {
        // XADD refused inside the script (and apart): the record is spilled in memory.
        await admin!.del(stream);
        await admin!.set(stream, "not a stream");
      });
      await admin!.del(stream);
      await request(0.16);
      await admin!.del(stream, `${stream}:epoch`); // Redis lost the stream before the flush
      await flusher.stop();

      // Nothing set aside, nothing left behind.
      expect(logged.filter((m) => /refused|not written/.test(m))).toEqual([]);
      expect(await journal.pending()).toBe(0);
      const rows = await database.db
        .select({ id: spendLogs.requestId, spend: spendLogs.spend })
        .from(spendLogs)
        .where(eq(spendLogs.apiKeyHash, key.keyHash));
      expect(rows.map((r) => r.id).sort()).toEqual([...costs.keys()].sort());
      expect(rows.map((r) => Number(r.spend)).sort()).toEqual([...costs.values()].sort());
      const [row] = await database.db
        .select({ spend: sql<string>`${virtualKeys.spend}::text` })
        .from(virtualKeys)
        .where(eq(virtualKeys.tokenHash, key.keyHash));
      expect(Number(row!.spend)).toBeCloseTo(0.31, 10);
      expect(await ledger.read(key.budgetLines[0]!, Date.now())).toMatchObject({ reserved: 0 });
    });
  },
);
