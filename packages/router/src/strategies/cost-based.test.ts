import type { ResolvedModel } from "@org/core";
import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry, seededRandom } from "../__fixtures__/fakes.ts";
import { deploymentPrice } from "../pricing/price-of.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import { costBased } from "./cost-based.ts";

describe("cost-based-routing", () => {
  it("ranks the cheapest deployment first, unknown prices last", () => {
    const ds = deploymentsOf([
      entry("g", "openai/unknown", {}, { id: "unknown" }),
      entry(
        "g",
        "openai/pricey",
        { input_cost_per_token: 0.00001, output_cost_per_token: 0.00003 },
        { id: "pricey" },
      ),
      entry(
        "g",
        "openai/cheap",
        {},
        { id: "cheap", input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 },
      ),
    ]);
    const order = costBased(deploymentPrice).order({
      candidates: ds,
      store: new MemoryStateStore(),
      now: 0,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order.map((d) => d.id)).toEqual(["cheap", "pricey", "unknown"]);
  });

  it("uses the price port it is given", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", {}, { id: "a" }),
      entry("g", "openai/b", {}, { id: "b" }),
    ]);
    const priced = (price: number): ResolvedModel => ({
      mode: "chat",
      input_cost_per_token: price,
      output_cost_per_token: price,
      provider: "openai",
      catalogKey: undefined,
      priceSource: "config",
    });
    const order = costBased((d) => (d.id === "b" ? priced(1) : priced(2))).order({
      candidates: ds,
      store: new MemoryStateStore(),
      now: 0,
      stream: false,
      tokens: 0,
      random: seededRandom(),
    });
    expect(order[0]!.id).toBe("b");
  });
});
