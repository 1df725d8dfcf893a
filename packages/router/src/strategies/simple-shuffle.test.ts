import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry, seededRandom } from "../__fixtures__/fakes.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import { simpleShuffle } from "./simple-shuffle.ts";

function firstPicks(deployments: ReturnType<typeof deploymentsOf>, n = 4000) {
  const strategy = simpleShuffle();
  const random = seededRandom(1);
  const store = new MemoryStateStore();
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const [first] = strategy.order({
      candidates: deployments,
      store,
      now: 0,
      stream: false,
      tokens: 0,
      random,
    });
    counts.set(first!.id, (counts.get(first!.id) ?? 0) + 1);
  }
  return counts;
}

describe("simple-shuffle", () => {
  it("picks by weight", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", { weight: 3 }, { id: "a" }),
      entry("g", "openai/b", { weight: 1 }, { id: "b" }),
    ]);
    const counts = firstPicks(ds);
    expect((counts.get("a") ?? 0) / 4000).toBeGreaterThan(0.7);
    expect((counts.get("a") ?? 0) / 4000).toBeLessThan(0.8);
  });

  it("weights by rpm when no weight is set, then by tpm", () => {
    const byRpm = firstPicks(
      deploymentsOf([
        entry("g", "openai/a", { rpm: 900 }, { id: "a" }),
        entry("g", "openai/b", { rpm: 100 }, { id: "b" }),
      ]),
    );
    expect((byRpm.get("a") ?? 0) / 4000).toBeGreaterThan(0.85);
    const byTpm = firstPicks(
      deploymentsOf([
        entry("g", "openai/a", { tpm: 100 }, { id: "a" }),
        entry("g", "openai/b", { tpm: 300 }, { id: "b" }),
      ]),
    );
    expect((byTpm.get("b") ?? 0) / 4000).toBeGreaterThan(0.7);
  });

  it("is uniform without weights, and orders every candidate", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", {}, { id: "a" }),
      entry("g", "openai/b", {}, { id: "b" }),
      entry("g", "openai/c", {}, { id: "c" }),
    ]);
    const counts = firstPicks(ds, 3000);
    for (const id of ["a", "b", "c"]) {
      expect((counts.get(id) ?? 0) / 3000).toBeGreaterThan(0.28);
    }
    const order = simpleShuffle().order({
      candidates: ds,
      store: new MemoryStateStore(),
      now: 0,
      stream: false,
      tokens: 0,
      random: seededRandom(3),
    });
    expect(new Set(order.map((d) => d.id))).toEqual(new Set(["a", "b", "c"]));
  });

  it("puts zero-weight deployments last", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", { weight: 0 }, { id: "a" }),
      entry("g", "openai/b", { weight: 1 }, { id: "b" }),
    ]);
    expect(firstPicks(ds, 200).get("a")).toBeUndefined();
  });
});
