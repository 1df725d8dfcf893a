import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry, seededRandom } from "../__fixtures__/fakes.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import { latencyBased } from "./latency-based.ts";

const ds = deploymentsOf([
  entry("g", "openai/a", {}, { id: "a" }),
  entry("g", "openai/b", {}, { id: "b" }),
  entry("g", "openai/c", {}, { id: "c" }),
]);

function storeWith(samples: Record<string, { latency?: number; ttft?: number }>, now = 1000) {
  const store = new MemoryStateStore();
  for (const [id, s] of Object.entries(samples)) {
    store.release({
      id,
      now,
      acquired: false,
      tokens: 0,
      ...(s.latency === undefined ? {} : { latencySample: s.latency }),
      ...(s.ttft === undefined ? {} : { ttftSample: s.ttft }),
    });
  }
  return store;
}

describe("latency-based-routing", () => {
  it("ranks the lowest mean latency first", () => {
    const store = storeWith({ a: { latency: 300 }, b: { latency: 100 }, c: { latency: 200 } });
    const order = latencyBased({ buffer: 0, ttlMs: 3_600_000 }).order({
      candidates: ds,
      store,
      now: 1000,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["b", "c", "a"]);
  });

  it("tries a deployment without samples first (its latency counts as 0)", () => {
    const store = storeWith({ a: { latency: 300 }, b: { latency: 100 } });
    const order = latencyBased({ buffer: 0, ttlMs: 3_600_000 }).order({
      candidates: ds,
      store,
      now: 1000,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order[0]!.id).toBe("c");
  });

  it("ranks streams by time to first token", () => {
    const store = storeWith({
      a: { latency: 100, ttft: 900 },
      b: { latency: 300, ttft: 50 },
      c: { latency: 200, ttft: 400 },
    });
    const order = latencyBased({ buffer: 0, ttlMs: 3_600_000 }).order({
      candidates: ds,
      store,
      now: 1000,
      stream: true,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["b", "c", "a"]);
  });

  it("spreads picks over deployments within lowest_latency_buffer of the best", () => {
    const store = storeWith({ a: { latency: 100 }, b: { latency: 140 }, c: { latency: 1000 } });
    const strategy = latencyBased({ buffer: 0.5, ttlMs: 3_600_000 });
    const random = seededRandom(9);
    const firsts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const [first] = strategy.order({
        candidates: ds,
        store,
        now: 1000,
        stream: false,
        tokens: 0,
        random,
      });
      firsts.set(first!.id, (firsts.get(first!.id) ?? 0) + 1);
    }
    expect(firsts.get("a")).toBeGreaterThan(100);
    expect(firsts.get("b")).toBeGreaterThan(100);
    expect(firsts.get("c")).toBeUndefined();
  });

  it("forgets samples older than the ttl", () => {
    const store = storeWith({ a: { latency: 50 }, b: { latency: 100 }, c: { latency: 10 } }, 1000);
    store.release({ id: "a", now: 5000, acquired: false, tokens: 0, latencySample: 50 });
    store.release({ id: "b", now: 5000, acquired: false, tokens: 0, latencySample: 100 });
    // c's only sample is older than the 2 s ttl at t=5000: it counts as untried (0).
    const order = latencyBased({ buffer: 0, ttlMs: 2000 }).order({
      candidates: ds,
      store,
      now: 5000,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["c", "a", "b"]);
  });
});
