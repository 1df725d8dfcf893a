import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry, seededRandom } from "../__fixtures__/fakes.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import { usageBased } from "./usage-based.ts";

describe("usage-based-routing(-v2)", () => {
  const ds = deploymentsOf([
    entry("g", "openai/a", {}, { id: "a" }),
    entry("g", "openai/b", {}, { id: "b" }),
  ]);

  it("ranks the lowest tokens used this minute first", () => {
    const store = new MemoryStateStore();
    store.release({ id: "a", now: 60_000, acquired: false, tokens: 500 });
    store.release({ id: "b", now: 60_000, acquired: false, tokens: 100 });
    const order = usageBased("usage-based-routing-v2").order({
      candidates: ds,
      store,
      now: 60_500,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["b", "a"]);
  });

  it("ignores usage from an earlier minute", () => {
    const store = new MemoryStateStore();
    store.release({ id: "b", now: 60_000, acquired: false, tokens: 100 });
    store.release({ id: "a", now: 130_000, acquired: false, tokens: 50 });
    const order = usageBased("usage-based-routing").order({
      candidates: ds,
      store,
      now: 130_000,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["b", "a"]);
  });
});
