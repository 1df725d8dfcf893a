import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { adminSpendOverRequestInFlight } from "../testing/admin-spend-scenario.ts";
import { startHeldAnswerGateway, type HeldAnswerGateway } from "../testing/held-answer-gateway.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

// budgets-admin-spend.test.ts on Redis (the production path).
describe.skipIf(!redisUrl)("an admin's spend over requests in flight (Redis)", () => {
  const prefix = `test:admin-spend:${randomBytes(4).toString("hex")}:`;
  let t: HeldAnswerGateway;
  beforeAll(async () => {
    t = await startHeldAnswerGateway({ env: { REDIS_URL: redisUrl }, budgetsKeyPrefix: prefix });
  });
  afterAll(async () => {
    await t?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it("a request in flight when an admin sets the key's spend to 0 adds its cost to 0", async () => {
    await adminSpendOverRequestInFlight(t);
  });
});
