import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry, seededRandom } from "../__fixtures__/fakes.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import { leastBusy } from "./least-busy.ts";

describe("least-busy", () => {
  it("ranks the deployment with the fewest calls in flight first", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", {}, { id: "a" }),
      entry("g", "openai/b", {}, { id: "b" }),
      entry("g", "openai/c", {}, { id: "c" }),
    ]);
    const store = new MemoryStateStore();
    const acquire = (id: string) =>
      store.acquire({
        candidates: ds.filter((d) => d.id === id),
        now: 0,
        tokens: 0,
        withLatency: false,
      });
    acquire("a");
    acquire("a");
    acquire("b");
    const order = leastBusy().order({
      candidates: ds,
      store,
      now: 0,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["c", "b", "a"]);
  });
});
