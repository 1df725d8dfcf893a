import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { withFallbackJournal } from "../spend/fallback-spend-journal.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createRedisSpendJournal } from "../spend/redis-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";
import { combinedRedisAdmission } from "./redis-combined-admission.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * A client whose commands are counted by name; `loseNextScriptReply` makes the next script run
 * but its reply fail, as when the connection drops after the command was sent.
 */
function countedClient() {
  const redis = new Redis(url!);
  const counts = new Map<string, number>();
  const faults = { loseNextScriptReply: false };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    const result = send(command as never) as Promise<unknown>;
    if (!faults.loseNextScriptReply || !["evalsha", "eval"].includes(command.name)) return result;
    return result.then(() => {
      faults.loseNextScriptReply = false;
      throw new Error("Connection is closed.");
    });
  }) as typeof redis.sendCommand;
  const count = (name: string) => counts.get(name) ?? 0;
  return { redis, count, faults };
}

/**
 * With the spend journal on the limiter's and ledger's Redis client, a request's settle, release
 * and spend record go in one script (redis-combined-admission.ts). Proven here: one round trip,
 * the record readable from the journal as an XADD would leave it, and every way the append can
 * fail still leaves the record in the journal (apart, or spilled in memory), charged once.
 */
describe.skipIf(!url)(
  "settling with the spend record appended in the same script (TEST_REDIS_URL)",
  () => {
    const prefix = uniquePrefix("combined-append");
    const clients: Redis[] = [];

    const setup = (name: string) => {
      const client = countedClient();
      clients.push(client.redis);
      const ledger = createRedisBudgetLedger({
        redis: client.redis,
        keyPrefix: `${prefix}${name}:l:`,
      });
      const limiter = createRedisRateLimiter({
        redis: client.redis,
        keyPrefix: `${prefix}${name}:r:`,
      });
      const stream = `${prefix}${name}:spend`;
      const errors: string[] = [];
      const logger = { warn() {}, error: (message: string) => errors.push(message) };
      const journal = withFallbackJournal(
        createRedisSpendJournal({ redis: client.redis, stream, consumer: "c1", logger }),
        logger,
      );
      const hooks = createBudgetHooks({ ledger, limiter, journal, logger });
      const key = buildKeyIdentity({
        key: keyRow(`sk-${name}-${prefix}`, {
          rpmLimit: 100,
          maxParallelRequests: 5,
          maxBudget: 10,
        }),
      });
      const request = async (cost: number) => {
        const ctx = hookContext(key, { maxCost: 0.5 });
        await hooks.preCall(ctx);
        await hooks.postCall(ctx, {
          status: "success",
          cost,
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        });
        return ctx.callId;
      };
      const line = key.budgetLines[0]!;
      const streamIds = async () =>
        ((await client.redis.xrange(stream, "-", "+")) as [string, string[]][]).map(
          ([, fields]) => (JSON.parse(fields[1]!) as { requestId: string }).requestId,
        );
      return {
        ...client,
        ledger,
        limiter,
        journal,
        hooks,
        stream,
        errors,
        request,
        line,
        streamIds,
      };
    };

    afterAll(async () => {
      await dropPrefix(clients[0]!, prefix);
      for (const client of clients) client.disconnect();
    });

    it("is used only when the journal is on the same client, and not with a memory journal", () => {
      const one = setup("which");
      expect(combinedRedisAdmission(one.limiter, one.ledger, one.journal)?.appendsRecords).toBe(
        true,
      );
      expect(
        combinedRedisAdmission(one.limiter, one.ledger, createMemorySpendJournal())?.appendsRecords,
      ).toBe(false);
      const other = new Redis(url!);
      clients.push(other);
      const elsewhere = createRedisSpendJournal({ redis: other, stream: `${prefix}elsewhere` });
      expect(combinedRedisAdmission(one.limiter, one.ledger, elsewhere)?.appendsRecords).toBe(
        false,
      );
    });

    it("settles, releases and appends in one round trip; the journal reads the record", async () => {
      const s = setup("one-trip");
      await s.request(0.1); // loads the scripts (NOSCRIPT, then EVAL)
      const scriptsBefore = s.count("evalsha") + s.count("eval");
      const xaddBefore = s.count("xadd");
      const id = await s.request(0.25);
      expect(s.count("evalsha") + s.count("eval") - scriptsBefore).toBe(2); // admit, settle
      expect(s.count("xadd") - xaddBefore).toBe(0);
      const entries = await s.journal.read(10);
      const record = entries.find((e) => e.record.requestId === id)?.record;
      expect(record).toMatchObject({ requestId: id, spend: 0.25, totalTokens: 15 });
      expect(await s.ledger.read(s.line, Date.now())).toEqual({ spend: 0.35, reserved: 0 });
      expect(s.errors).toEqual([]);
    });

    it("an append the script could not make is made apart, and spilled in memory when Redis refuses it", async () => {
      const s = setup("refused");
      await s.journal.read(1); // creates the group
      // The stream's key holds the wrong type: XADD fails inside the script and apart.
      await s.redis.del(s.stream);
      await s.redis.set(s.stream, "not a stream");
      const id = await s.request(0.2);
      // The settle and release ran all the same.
      expect(await s.ledger.read(s.line, Date.now())).toEqual({ spend: 0.2, reserved: 0 });
      expect(s.errors).toEqual([]); // the spill warns, it does not fail
      expect(s.journal.durable).toBe(false);
      const spilled = await s.journal.read(10);
      expect(spilled.map((e) => e.record.requestId)).toEqual([id]);
    });

    it("a lost reply: the record is appended again apart, the budget charged once", async () => {
      const s = setup("lost");
      await s.request(0.1); // loads the scripts: the lost reply is the settle's, not a NOSCRIPT
      const key = buildKeyIdentity({
        key: keyRow(`sk-lost-2-${prefix}`, { rpmLimit: 100, maxBudget: 10 }),
      });
      const request = hookContext(key, { maxCost: 0.5 });
      await s.hooks.preCall(request);
      s.faults.loseNextScriptReply = true; // the settle's script runs, its reply is lost
      await s.hooks.postCall(request, { status: "success", cost: 0.3 });
      expect(s.faults.loseNextScriptReply).toBe(false);
      expect(s.errors).toEqual(["budget settle and rate limit release failed"]);
      // Two copies in the stream (the script's and the one appended apart): the writer keeps one
      // per request id (spend-writer.ts), and the ledger was charged by the one settle that ran.
      expect((await s.streamIds()).filter((r) => r === request.callId)).toHaveLength(2);
      expect(await s.ledger.read(key.budgetLines[0]!, Date.now())).toEqual({
        spend: 0.3,
        reserved: 0,
      });
    });

    it("a record appended by the script is appended again when Redis loses the stream", async () => {
      const s = setup("loss");
      await s.journal.read(1); // the journal knows the stream's epoch
      const id = await s.request(0.4);
      // What a Redis restart without persistence does to the stream, its group and its epoch.
      await s.redis.del(s.stream, `${s.stream}:epoch`);
      const entries = await s.journal.read(10);
      expect(entries.map((e) => e.record.requestId)).toContain(id);
      await vi.waitFor(() => expect(s.errors.some((m) => m.includes("appended again"))).toBe(true));
    });
  },
);
