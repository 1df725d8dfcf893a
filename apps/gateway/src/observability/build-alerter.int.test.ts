import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, type Alerter } from "@org/observability";
import { deadPort, startCaptureServer, type CaptureServer } from "@org/observability/testing";
import { integrationUrl } from "../testing/require-env.ts";
import { buildAlerter } from "./build-alerter.ts";

// Several gateway instances on one Redis send one alert per condition per window between them,
// not one each; with Redis unreachable each still sends its own (duplicates, never silence).

const redisUrl = integrationUrl("TEST_REDIS_URL");
const logger = createLogger({ level: "error", write: () => undefined });
const exceeded = {
  scope: "key" as const,
  id: "a1b2c3d4e5f6a7b8",
  alias: "shared-key",
  spend: 12,
  maxBudget: 10,
};

describe.skipIf(!redisUrl)("alerts deduped across instances through Redis", () => {
  let receiver: CaptureServer;
  const opened: Alerter[] = [];
  const alerter = (redis: { url: string }, prefix: string) => {
    const built = buildAlerter({
      settings: { alerting: ["webhook"], alert_types: ["budget_alerts"] },
      env: { WEBHOOK_URL: `${receiver.url}/hook` },
      logger,
      redis,
      claimKeyPrefix: prefix,
    })!;
    opened.push(built);
    return built;
  };

  beforeAll(async () => {
    receiver = await startCaptureServer();
  });
  afterAll(async () => {
    await Promise.all(opened.map((a) => a.close({ flushTimeoutMs: 1_000 })));
    await receiver.close();
  });

  it("three instances, the same exceeded budget: one alert", async () => {
    const prefix = `test:alert:${randomBytes(6).toString("hex")}:`;
    const fleet = [1, 2, 3].map(() => alerter({ url: redisUrl! }, prefix));
    // Every instance sees the condition (each admits it once in its own window).
    for (const instance of fleet) expect(instance.budgetExceeded(exceeded)).toBe(true);
    // A different key is its own condition: it alerts too.
    expect(fleet[1]!.budgetExceeded({ ...exceeded, id: "ffffeeeeddddcccc" })).toBe(true);
    await Promise.all(fleet.map((a) => a.close({ flushTimeoutMs: 5_000 })));
    const subjects = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(subjects).toHaveLength(2);
    const raised = fleet.reduce((sum, a) => sum + a.stats().raised, 0);
    const suppressed = fleet.reduce((sum, a) => sum + a.stats().suppressed, 0);
    expect({ raised, suppressed }).toEqual({ raised: 2, suppressed: 2 });
  });

  it("Redis unreachable: every instance still alerts", async () => {
    const before = receiver.requests.length;
    const dead = { url: `redis://127.0.0.1:${await deadPort()}` };
    const prefix = `test:alert:${randomBytes(6).toString("hex")}:`;
    const fleet = [1, 2].map(() => alerter(dead, prefix));
    for (const instance of fleet) expect(instance.budgetExceeded(exceeded)).toBe(true);
    await Promise.all(fleet.map((a) => a.close({ flushTimeoutMs: 5_000 })));
    expect(receiver.requests.length - before).toBe(2);
  });
});
