import { afterAll, beforeAll, describe, it } from "vitest";
import { adminSpendOverRequestInFlight } from "../testing/admin-spend-scenario.ts";
import { startHeldAnswerGateway, type HeldAnswerGateway } from "../testing/held-answer-gateway.ts";

// An admin setting a key's spend (`/key/update {spend}`) while the key serves requests: the
// ledger must count from the admin's figure, whatever the requests in flight were admitted with.
describe("an admin's spend over requests in flight (memory stores)", () => {
  let t: HeldAnswerGateway;
  beforeAll(async () => {
    t = await startHeldAnswerGateway({});
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a request in flight when an admin sets the key's spend to 0 adds its cost to 0", async () => {
    await adminSpendOverRequestInFlight(t);
  });
});
