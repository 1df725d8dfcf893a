import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "./memory-state-store.ts";

const a = { id: "a", rpm: undefined, tpm: undefined };
const b = { id: "b", rpm: undefined, tpm: undefined };
const T0 = 60_000 * 1000;

describe("MemoryStateStore", () => {
  it("reserves the first candidate and counts it in flight and against rpm", () => {
    const store = new MemoryStateStore();
    const result = store.acquire({ candidates: [a, b], now: T0, tokens: 10, withLatency: false });
    expect(result.index).toBe(0);
    expect(store.view("a")).toMatchObject({ inflight: 1, rpm: 1 });
    store.release({ id: "a", now: T0 + 10, acquired: true, tokens: 42 });
    expect(store.view("a")).toMatchObject({ inflight: 0, rpm: 1, tpm: 42 });
  });

  it("answers synchronously (no promise on the request path)", () => {
    const store = new MemoryStateStore();
    const result = store.acquire({ candidates: [a], now: T0, tokens: 0, withLatency: false });
    expect(result).not.toBeInstanceOf(Promise);
    expect(store.release({ id: "a", now: T0, acquired: true, tokens: 0 })).not.toBeInstanceOf(
      Promise,
    );
  });

  it("skips a deployment at its rpm limit until the next minute", () => {
    const store = new MemoryStateStore();
    const limited = { id: "a", rpm: 2, tpm: undefined };
    const pick = (now: number) =>
      store.acquire({ candidates: [limited, b], now, tokens: 0, withLatency: false }).index;
    expect(pick(T0)).toBe(0);
    expect(pick(T0 + 1)).toBe(0);
    expect(pick(T0 + 2)).toBe(1);
    expect(pick(T0 + 60_000)).toBe(0);
  });

  it("skips a deployment whose tpm would be exceeded by the request", () => {
    const store = new MemoryStateStore();
    const limited = { id: "a", rpm: undefined, tpm: 100 };
    store.release({ id: "a", now: T0, acquired: false, tokens: 80 });
    expect(
      store.acquire({ candidates: [limited, b], now: T0, tokens: 10, withLatency: false }).index,
    ).toBe(0);
    expect(
      store.acquire({ candidates: [limited, b], now: T0, tokens: 30, withLatency: false }).index,
    ).toBe(1);
  });

  it("reports why nothing was available and when something frees up", () => {
    const store = new MemoryStateStore();
    store.release({
      id: "a",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 5000 },
    });
    const limited = { id: "b", rpm: 1, tpm: undefined };
    store.acquire({ candidates: [limited], now: T0, tokens: 0, withLatency: false });
    const result = store.acquire({
      candidates: [a, limited],
      now: T0 + 1000,
      tokens: 0,
      withLatency: false,
    });
    expect(result).toEqual({ index: -1, cooling: 1, limited: 1, retryAt: T0 + 5000 });
  });

  it("cools down only after more than allowed_fails failures in a minute", () => {
    const store = new MemoryStateStore();
    const fail = (now: number) =>
      store.release({
        id: "a",
        now,
        acquired: false,
        tokens: 0,
        failure: { mode: "count", allowedFails: 2, cooldownMs: 5000 },
      });
    expect(fail(T0).cooldownUntil).toBe(0);
    expect(fail(T0 + 1).cooldownUntil).toBe(0);
    expect(fail(T0 + 2).cooldownUntil).toBe(T0 + 2 + 5000);
    expect(
      store.acquire({ candidates: [a], now: T0 + 3, tokens: 0, withLatency: false }).index,
    ).toBe(-1);
    expect(
      store.acquire({ candidates: [a], now: T0 + 5002, tokens: 0, withLatency: false }).index,
    ).toBe(0);
  });

  it("starts the failure count afresh each minute", () => {
    const store = new MemoryStateStore();
    const fail = (now: number) =>
      store.release({
        id: "a",
        now,
        acquired: false,
        tokens: 0,
        failure: { mode: "count", allowedFails: 1, cooldownMs: 5000 },
      });
    fail(T0 + 59_000);
    expect(fail(T0 + 61_000).cooldownUntil).toBe(0);
  });

  it("does not count failures in mode none, cools down at once in mode immediate", () => {
    const store = new MemoryStateStore();
    for (let i = 0; i < 10; i++) {
      store.release({
        id: "a",
        now: T0,
        acquired: false,
        tokens: 0,
        failure: { mode: "none", allowedFails: 0, cooldownMs: 5000 },
      });
    }
    expect(store.view("a").cooldownUntil).toBe(0);
    const r = store.release({
      id: "b",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 9, cooldownMs: 7000 },
    });
    expect(r.cooldownUntil).toBe(T0 + 7000);
  });

  it("keeps a running mean of the last latency samples", () => {
    const store = new MemoryStateStore({ maxLatencySamples: 3 });
    for (const sample of [100, 200, 300, 400]) {
      store.release({ id: "a", now: T0, acquired: false, tokens: 0, latencySample: sample });
    }
    expect(store.view("a").latency).toBe(300);
    expect(Number.isNaN(store.view("b").latency)).toBe(true);
  });

  it("lists cooldowns", () => {
    const store = new MemoryStateStore();
    store.release({
      id: "a",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 1000 },
    });
    expect(store.cooldowns(["a", "b"], T0 + 1)).toEqual([T0 + 1000, 0]);
    expect(store.cooldowns(["a"], T0 + 1000)).toEqual([0]);
  });

  it("forgets idle deployments past maxEntries, keeping busy and cooling ones", () => {
    const store = new MemoryStateStore({ maxEntries: 16, latencyTtlMs: 1000 });
    store.acquire({
      candidates: [{ id: "busy", rpm: undefined, tpm: undefined }],
      now: T0,
      tokens: 0,
      withLatency: false,
    });
    store.release({
      id: "cool",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 600_000 },
    });
    for (let i = 0; i < 14; i++)
      store.release({ id: `idle-${i}`, now: T0, acquired: false, tokens: 1 });
    store.release({ id: "late", now: T0 + 120_000, acquired: false, tokens: 1 });
    expect(store.view("busy").inflight).toBe(1);
    expect(store.view("cool").cooldownUntil).toBe(T0 + 600_000);
    expect(store.view("idle-0").minute).toBe(-1);
  });
});
