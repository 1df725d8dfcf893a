import { describe, expect, it } from "vitest";
import {
  breakdownRows,
  dailySeries,
  dayMetrics,
  daysBetween,
  emptyMetrics,
  lastDays,
  monthToDate,
  topWithOther,
  totals,
  type DailyActivity,
  type Metrics,
} from "./activity.ts";

const m = (spend: number, requests: number, failed = 0): Metrics => ({
  ...emptyMetrics(),
  spend,
  api_requests: requests,
  successful_requests: requests - failed,
  failed_requests: failed,
  total_tokens: requests * 10,
});

const activity: DailyActivity = {
  results: [
    {
      date: "2026-12-01",
      metrics: m(3, 30, 3),
      breakdown: {
        models: { "gpt-4o": { metrics: m(2, 10, 1) }, claude: { metrics: m(1, 20, 2) } },
        api_keys: {
          abc123456789: { metrics: m(3, 30, 3), metadata: { key_alias: "search", team_id: "t1" } },
        },
        teams: { t1: { metrics: m(3, 30, 3), metadata: { team_alias: "Search" } } },
      },
    },
    {
      date: "2026-12-03",
      metrics: m(1, 5),
      breakdown: {
        models: { claude: { metrics: m(1.5, 5) } },
        api_keys: { def987654321: { metrics: m(1, 5), metadata: { key_alias: null } } },
      },
    },
  ],
};

describe("dailySeries", () => {
  it("has one point per day of the range, zeros on days without traffic", () => {
    const series = dailySeries(activity, "2026-11-30", "2026-12-03");
    expect(series.map((d) => [d.date, d.spend, d.api_requests])).toEqual([
      ["2026-11-30", 0, 0],
      ["2026-12-01", 3, 30],
      ["2026-12-02", 0, 0],
      ["2026-12-03", 1, 5],
    ]);
  });

  it("drops days outside the range and survives an inverted or invalid one", () => {
    expect(dailySeries(activity, "2026-12-02", "2026-12-02")).toHaveLength(1);
    expect(daysBetween("2026-12-05", "2026-12-01")).toEqual([]);
    expect(daysBetween("nope", "2026-12-01")).toEqual([]);
    expect(daysBetween("2026-02-27", "2026-03-01")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
    ]);
  });
});

describe("breakdownRows", () => {
  it("sums each entity over the days, most spend first", () => {
    const models = breakdownRows(activity, "models");
    expect(models.map((r) => [r.id, r.spend, r.api_requests])).toEqual([
      ["claude", 2.5, 25],
      ["gpt-4o", 2, 10],
    ]);
  });

  it("labels keys by alias and teams by name, else a shortened hash or the id", () => {
    const keys = breakdownRows(activity, "api_keys");
    expect(keys.map((r) => r.label)).toEqual(["search", "def9876543…"]);
    expect(breakdownRows(activity, "teams")[0]!.label).toBe("Search");
    expect(breakdownRows(activity, "providers")).toEqual([]);
  });

  it("uses the range's own breakdown when the API sends one (days then carry none)", () => {
    const ranged = {
      results: activity.results.map(({ breakdown: _dropped, ...day }) => day),
      breakdown: {
        models: {
          "gpt-4o": { metrics: { ...activity.results[0]!.metrics, spend: 7, api_requests: 3 } },
        },
      },
    };
    const rows = breakdownRows(ranged, "models");
    expect(rows.map((r) => [r.id, r.spend, r.api_requests])).toEqual([["gpt-4o", 7, 3]]);
    expect(breakdownRows(ranged, "teams")).toEqual([]);
  });

  it("folds the tail into one Other row for charts, keeping the total", () => {
    const rows = breakdownRows(activity, "models");
    const top = topWithOther(rows, 1);
    expect(top.map((r) => r.label)).toEqual(["claude", "Other (1)"]);
    expect(top.reduce((s, r) => s + r.spend, 0)).toBe(4.5);
    expect(topWithOther(rows, 5)).toBe(rows);
  });
});

describe("totals", () => {
  it("sums the days and derives the error rate", () => {
    const t = totals(activity);
    expect(t.spend).toBe(4);
    expect(t.api_requests).toBe(35);
    expect(t.error_rate).toBeCloseTo(3 / 35);
    expect(t.latency_p95_ms).toBeNull();
  });

  it("prefers the API's own totals and percentiles (computed in SQL over every row)", () => {
    const t = totals({
      ...activity,
      metadata: {
        total_spend: 9,
        total_api_requests: 40,
        total_failed_requests: 4,
        latency_p50_ms: 120,
        latency_p95_ms: 900,
      },
    });
    expect([t.spend, t.api_requests, t.error_rate, t.latency_p50_ms, t.latency_p95_ms]).toEqual([
      9, 40, 0.1, 120, 900,
    ]);
  });

  it("has no error rate without requests, and a day without traffic is zeros", () => {
    expect(totals({ results: [] }).error_rate).toBeNull();
    expect(dayMetrics(activity, "2026-12-02")).toEqual(emptyMetrics());
    expect(dayMetrics(activity, "2026-12-03").spend).toBe(1);
  });
});

describe("date ranges", () => {
  it("last n days and month to date, in UTC", () => {
    const now = new Date("2026-12-06T23:30:00Z");
    expect(lastDays(7, now)).toEqual({ start: "2026-11-30", end: "2026-12-06" });
    expect(monthToDate(now)).toEqual({ start: "2026-12-01", end: "2026-12-06" });
  });
});
