import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { budgetDuration } from "./budget-duration.ts";
import { describeLedgerContract, line } from "../__fixtures__/ledger-contract.ts";
import type { BudgetLedger } from "./budget-ledger.ts";
import { SETTLED_MARK_TTL_MS, createRedisBudgetLedger } from "./redis-budget-ledger.ts";

const url = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!url)("Redis budget ledger (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("ledger");
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(url!, { lazyConnect: false });
    clients.push(redis);
    return redis;
  };
  let admin: Redis;

  beforeAll(() => {
    admin = client();
  });
  afterAll(async () => {
    await dropPrefix(admin, prefix);
    for (const c of clients) c.disconnect();
  });

  describeLedgerContract("redis", (options) =>
    createRedisBudgetLedger({ redis: client(), keyPrefix: prefix, ...options }),
  );

  it("holds a budget under 100 concurrent reservations: overspend bounded by one estimate", async () => {
    const ledger = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const team = line({ maxBudget: 10 });
    const estimate = 0.35;
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ledger.reserve({ id: `r${i}`, lines: [team], amount: estimate, now }),
      ),
    );
    const admitted = results.filter((r) => r.ok);
    // Admitted while held < 10: 29 * 0.35 = 10.15 is the first total at or over the max.
    expect(admitted).toHaveLength(29);
    // Every admitted request costs its full estimate: the budget ends at most one estimate over.
    await Promise.all(
      admitted.map((r) => (r.ok ? ledger.settle(r.reservation, estimate, now) : undefined)),
    );
    const state = await ledger.read(team, now);
    expect(state.reserved).toBe(0);
    expect(state.spend).toBeGreaterThanOrEqual(10);
    expect(state.spend).toBeLessThan(10 + estimate);
  });

  it("shares one budget between two ledger instances (two gateways)", async () => {
    const a: BudgetLedger = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const b: BudgetLedger = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const team = line({ maxBudget: 5 });
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? a : b).reserve({ id: `x${i}`, lines: [team], amount: 0.25, now }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const fromA = await a.read(team, now);
    const fromB = await b.read(team, now);
    expect(fromA).toEqual(fromB);
    expect(fromA.reserved).toBeCloseTo(5, 10);
  });

  it("checks every line of a request atomically across instances", async () => {
    const a = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const b = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const team = line({ maxBudget: 100 });
    const keyA = line({ scope: "key", maxBudget: 1 });
    const keyB = line({ scope: "key", maxBudget: 100 });
    const now = Date.now();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? a.reserve({ id: `a${i}`, lines: [keyA, team], amount: 0.5, now })
          : b.reserve({ id: `b${i}`, lines: [keyB, team], amount: 0.5, now }),
      ),
    );
    // keyA admits 2 (0, 0.5 < 1); keyB admits all 20; the team saw exactly those 22 holds.
    expect((await a.read(keyA, now)).reserved).toBeCloseTo(1, 10);
    expect((await a.read(team, now)).reserved).toBeCloseTo(11, 10);
  });

  it("lets keys of a line expire by themselves", async () => {
    const redis = client();
    const ledger = createRedisBudgetLedger({ redis, keyPrefix: prefix, idleTtlMs: 60_000 });
    const team = line({ maxBudget: 1 });
    await ledger.reserve({ id: "t", lines: [team], amount: 0.1, now: Date.now() });
    const ttl = await redis.pttl(`${prefix}b:${team.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("a re-sent reserve holds once and a re-sent settle charges once (a reply lost to a reconnect)", async () => {
    // ioredis re-sends a command whose reply a reconnect lost: the script then runs twice with
    // the same arguments, which is what calling it twice does here.
    const ledger = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const team = line({ maxBudget: 10 });
    const now = Date.now();
    const input = { id: "resent", lines: [team], amount: 2, now };
    const first = await ledger.reserve(input);
    const again = await ledger.reserve(input);
    expect(first.ok && again.ok).toBe(true);
    expect(await ledger.read(team, now)).toEqual({ spend: 0, reserved: 2 });
    if (!first.ok) return;
    const settled = await ledger.settle(first.reservation, 1.5, now);
    const resettled = await ledger.settle(first.reservation, 1.5, now);
    expect(settled.map((l) => [l.before, l.after])).toEqual([[0, 1.5]]);
    // The second one changes nothing, so no soft-budget crossing is reported twice either.
    expect(resettled.map((l) => [l.before, l.after])).toEqual([[1.5, 1.5]]);
    expect(await ledger.read(team, now)).toEqual({ spend: 1.5, reserved: 0 });
    // A reserve re-sent after its settle holds nothing either.
    await ledger.reserve(input);
    expect(await ledger.read(team, now)).toEqual({ spend: 1.5, reserved: 0 });

    // The markers go with the line's next touch once they are old (SETTLED_MARK_TTL_MS).
    const later = now + SETTLED_MARK_TTL_MS + 1;
    await ledger.read(team, later);
    const fields = await admin.hkeys(`${prefix}b:${team.id}`);
    expect(fields.filter((f) => f.startsWith("done "))).toEqual([]);
    expect(await admin.zrange(`${prefix}bh:${team.id}`, 0, -1)).toEqual([]);
    expect(await ledger.read(team, later)).toEqual({ spend: 1.5, reserved: 0 });
  });

  it("a settle re-sent after the window turned charges once (its marker is carried into the new window)", async () => {
    // The first run settled just before the turn; its reply was lost, and ioredis re-sent it
    // (same arguments, same `now`) after another instance opened the next window.
    const ledger = createRedisBudgetLedger({ redis: client(), keyPrefix: prefix });
    const resetAt = Date.UTC(2025, 2, 12, 10, 0, 30);
    const team = line({ maxBudget: 10, duration: budgetDuration("30s"), resetAt });
    const held = await ledger.reserve({ id: "late", lines: [team], amount: 2, now: resetAt - 50 });
    if (!held.ok) throw new Error("expected a hold");
    expect((await ledger.settle(held.reservation, 1.5, resetAt - 5))[0]).toMatchObject({
      before: 0,
      after: 1.5,
    });
    await ledger.reserve({ id: "next", lines: [team], amount: 0.25, now: resetAt + 2 });
    const resent = await ledger.settle(held.reservation, 1.5, resetAt - 5);
    expect(resent.map((l) => [l.before, l.after])).toEqual([[0, 0]]);
    expect(await ledger.read(team, resetAt + 10)).toEqual({ spend: 0, reserved: 0.25 });
  });
});
