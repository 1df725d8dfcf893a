import { afterEach, describe, expect, it } from "vitest";
import type { RateDescriptor } from "../limits/rate-descriptor.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";

let seq = 0;
export function descriptor(patch: Partial<RateDescriptor> = {}): RateDescriptor {
  const id = `d-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  return { id, key: "api_key", value: id, rpm: undefined, tpm: undefined, maxParallel: undefined, ...patch };
}

// 10 s into a minute.
const T0 = Date.UTC(2025, 2, 12, 10, 0, 10);

export function describeLimiterContract(name: string, make: () => Promise<RateLimiter> | RateLimiter): void {
  describe(`${name}: RateLimiter contract`, () => {
    const open: RateLimiter[] = [];
    const limiter = async () => {
      const l = await make();
      open.push(l);
      return l;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.close()));
    });

    it("counts requests per minute and refuses at the limit until the window ends", async () => {
      const l = await limiter();
      const key = descriptor({ rpm: 2 });
      const first = await l.acquire({ id: "a", descriptors: [key], tokens: 0, now: T0 });
      expect(first).toMatchObject({ ok: true, remaining: { requests: { remaining: 1, limit: 2 } } });
      expect((await l.acquire({ id: "b", descriptors: [key], tokens: 0, now: T0 })).ok).toBe(true);
      const refused = await l.acquire({ id: "c", descriptors: [key], tokens: 0, now: T0 + 1000 });
      expect(refused).toMatchObject({ ok: false, type: "requests", limit: 2, current: 2, retryAfterMs: 49_000 });
      expect((await l.acquire({ id: "d", descriptors: [key], tokens: 0, now: T0 + 50_000 })).ok).toBe(true);
    });

    it("counts tokens: the prompt before, the rest after", async () => {
      const l = await limiter();
      const key = descriptor({ tpm: 100 });
      const a = await l.acquire({ id: "a", descriptors: [key], tokens: 30, now: T0 });
      if (!a.ok) throw new Error("expected admission");
      expect(a.remaining.tokens).toEqual({ remaining: 70, limit: 100 });
      await l.release(a.lease, { tokens: 100, now: T0 });
      const refused = await l.acquire({ id: "b", descriptors: [key], tokens: 1, now: T0 });
      expect(refused).toMatchObject({ ok: false, type: "tokens", current: 100 });
    });

    it("holds parallel slots until released", async () => {
      const l = await limiter();
      const key = descriptor({ maxParallel: 1 });
      const a = await l.acquire({ id: "a", descriptors: [key], tokens: 0, now: T0 });
      if (!a.ok) throw new Error("expected admission");
      expect(await l.acquire({ id: "b", descriptors: [key], tokens: 0, now: T0 })).toMatchObject({
        ok: false,
        type: "max_parallel_requests",
      });
      await l.release(a.lease, { tokens: 0, now: T0 });
      expect((await l.acquire({ id: "c", descriptors: [key], tokens: 0, now: T0 })).ok).toBe(true);
    });

    it("checks all descriptors before counting any, and a rollback un-counts", async () => {
      const l = await limiter();
      const key = descriptor({ rpm: 5 });
      const team = descriptor({ key: "team", rpm: 1 });
      const a = await l.acquire({ id: "a", descriptors: [key, team], tokens: 0, now: T0 });
      if (!a.ok) throw new Error("expected admission");
      expect(await l.acquire({ id: "b", descriptors: [key, team], tokens: 0, now: T0 })).toMatchObject({
        ok: false,
        descriptor: { key: "team" },
      });
      // The refused request did not count against the key.
      const c = await l.acquire({ id: "c", descriptors: [key], tokens: 0, now: T0 });
      expect(c).toMatchObject({ ok: true, remaining: { requests: { remaining: 3 } } });
      await l.release(a.lease, { tokens: 0, now: T0, rollback: true });
      expect((await l.acquire({ id: "d", descriptors: [team], tokens: 0, now: T0 })).ok).toBe(true);
    });
  });
}
