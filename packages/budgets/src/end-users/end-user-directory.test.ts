import { describe, expect, it } from "vitest";
import { budgetRow } from "../__fixtures__/rows.ts";
import { createMemoryKeyInvalidationBus } from "../keys/key-invalidation-bus.ts";
import { createFakeClock } from "../testing/fake-clock.ts";
import { createEndUserDirectory, type EndUserSource } from "./end-user-directory.ts";

const endUser = (id: string, patch = {}) => ({
  id,
  alias: null,
  spend: 0.25,
  allowedModelRegion: null,
  defaultModel: null,
  budgetId: "b1",
  blocked: false,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...patch,
});

describe("createEndUserDirectory", () => {
  it("resolves an end user's budget and limits once per TTL", async () => {
    const clock = createFakeClock();
    let lookups = 0;
    const source: EndUserSource = {
      lookup: async (id) => {
        lookups++;
        return { endUser: endUser(id), budget: budgetRow("b1", { maxBudget: 1, rpmLimit: 5 }) };
      },
    };
    const directory = createEndUserDirectory({ source, clock, ttlMs: 1000 });
    const profile = await directory.resolve("cust");
    expect(profile.line).toMatchObject({
      id: "e:cust",
      scope: "end_user",
      maxBudget: 1,
      seedSpend: 0.25,
    });
    expect(profile.rateLimit).toMatchObject({ key: "end_user", value: "cust", rpm: 5 });
    expect(directory.resolve("cust")).toBe(profile); // a hit is synchronous
    clock.advance(1001);
    await directory.resolve("cust");
    expect(lookups).toBe(2);
  });

  it("gives unknown end users the default budget (max_end_user_budget)", async () => {
    const directory = createEndUserDirectory({
      source: { lookup: async () => undefined },
      defaults: { maxBudget: 0.5, rpm: 2 },
    });
    const profile = await directory.resolve("new-customer");
    expect(profile.line).toMatchObject({ maxBudget: 0.5, seedSpend: 0 });
    expect(profile.rateLimit).toMatchObject({ rpm: 2 });
  });

  it("has no line or limits for an end user without any", async () => {
    const directory = createEndUserDirectory({ source: { lookup: async () => undefined } });
    const profile = await directory.resolve("anyone");
    expect(profile.line).toBeUndefined();
    expect(profile.rateLimit).toBeUndefined();
  });

  it("refuses a blocked end user with a 403, and follows invalidations", async () => {
    const bus = createMemoryKeyInvalidationBus();
    let blocked = true;
    const directory = createEndUserDirectory({
      source: { lookup: async (id) => ({ endUser: endUser(id, { blocked }), budget: undefined }) },
      bus,
    });
    await expect(Promise.resolve().then(() => directory.resolve("c1"))).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("End User=c1 is blocked"),
    });
    blocked = false;
    await bus.publish({ kind: "end_user", id: "c1" });
    await expect(directory.resolve("c1")).resolves.toMatchObject({ blocked: false });
  });
});
