import { afterAll, beforeAll, describe, it } from "vitest";
import { startHeldAnswerGateway, type HeldAnswerGateway } from "../testing/held-answer-gateway.ts";
import {
  durationChangedUnderARequestInFlight,
  requestInFlightAcrossTheTurn,
} from "../testing/window-turn-scenario.ts";

// Budget windows (`budget_duration`) around their turn, over HTTP, with the in-process stores
// (budgets-window-turn.int.test.ts runs the same on Redis).
describe("budget windows at their turn (memory stores)", () => {
  let t: HeldAnswerGateway;
  beforeAll(async () => {
    t = await startHeldAnswerGateway({});
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a request in flight at the turn still holds its part of the new window", async () => {
    await requestInFlightAcrossTheTurn(t);
  });

  it("a budget_duration set while a request runs keeps its hold in the new window", async () => {
    await durationChangedUnderARequestInFlight(t);
  });
});
