import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startHeldAnswerGateway, type HeldAnswerGateway } from "../testing/held-answer-gateway.ts";
import {
  durationChangedUnderARequestInFlight,
  requestInFlightAcrossTheTurn,
} from "../testing/window-turn-scenario.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

// The same as budgets-window-turn.test.ts on Redis: the production path (the budget hooks'
// combined admission and settle scripts).
describe.skipIf(!redisUrl)("budget windows at their turn (Redis)", () => {
  const prefix = `test:window-turn:${randomBytes(4).toString("hex")}:`;
  let t: HeldAnswerGateway;
  beforeAll(async () => {
    t = await startHeldAnswerGateway({ env: { REDIS_URL: redisUrl }, budgetsKeyPrefix: prefix });
  });
  afterAll(async () => {
    await t?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it("a request in flight at the turn still holds its part of the new window", async () => {
    await requestInFlightAcrossTheTurn(t);
  });

  it("a budget_duration set while a request runs keeps its hold in the new window", async () => {
    await durationChangedUnderARequestInFlight(t);
  });
});
