import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "@org/db";
import { manage } from "../testing/manage.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { seedDashboardData, type SeededDashboardData } from "../testing/seed-dashboard-data.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The dashboard's spend SQL (GROUPING SETS, percentiles, the seeding helper's generate_series)
// on a real PostgreSQL, in a schema of its own. The full behaviour is dashboard-spend.test.ts.

const url = integrationUrl("TEST_DATABASE_URL");

describe.skipIf(!url)("dashboard spend API on PostgreSQL", () => {
  let gateway: TestGateway;
  let seeded: SeededDashboardData;
  const schema = `test_dash_${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    gateway = await startTestGateway({ databaseUrl: url!, env: { DATABASE_SCHEMA: schema } });
    seeded = await seedDashboardData(gateway.gateway.db.db, { rows: 6_600, keys: 50 });
  }, 120_000);
  afterAll(async () => {
    if (gateway) {
      await executeRows(gateway.gateway.db.db, `drop schema if exists "${schema}" cascade`);
      await gateway.close();
    }
  });

  it("pages, filters and sums the seeded rows", async () => {
    const failures = await manage<{ total: number; data: { status: string }[] }>(
      gateway,
      gateway.masterKey,
      `/spend/logs/ui?status_filter=failure&team_id=${seeded.teamIds[1]}&page_size=100`,
    );
    const [expected] = await executeRows<{ n: number }>(
      gateway.gateway.db.db,
      `select count(*)::int as n from spend_logs where status = 'failure' and team_id = '${seeded.teamIds[1]}'`,
    );
    expect(failures.total).toBe(expected!.n);
    expect(failures.data.every((r) => r.status === "failure")).toBe(true);

    const since = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const activity = await manage<{
      results: { metrics: { api_requests: number } }[];
      metadata: { total_api_requests: number; total_failed_requests: number };
    }>(gateway, gateway.masterKey, `/user/daily/activity?start_date=${since}`);
    expect(activity.metadata.total_api_requests).toBe(
      activity.results.reduce((n, day) => n + day.metrics.api_requests, 0),
    );
    expect(activity.metadata.total_failed_requests).toBe(200);
  });
});
