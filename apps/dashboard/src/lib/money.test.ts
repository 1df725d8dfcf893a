import { describe, expect, it } from "vitest";
import {
  budgetUsedPercent,
  formatBudget,
  formatCount,
  formatDuration,
  formatMoney,
  formatPercent,
  toNumber,
} from "./money.ts";

describe("formatMoney", () => {
  it("shows dollars and cents with thousands separators", () => {
    expect(formatMoney(1234.5)).toBe("$1,234.50");
    expect(formatMoney(0)).toBe("$0.00");
    expect(formatMoney(-3.2)).toBe("-$3.20");
  });

  it("keeps a sub-cent request cost readable instead of rounding it to $0.00", () => {
    expect(formatMoney(0.000082)).toBe("$0.000082");
    expect(formatMoney(0.0012)).toBe("$0.0012");
    expect(formatMoney(0.009)).toBe("$0.009");
    expect(formatMoney(1e-10)).toBe("$0.0000000001");
    expect(formatMoney(-0.0005)).toBe("-$0.0005");
  });

  it("reads PostgreSQL numerics sent as strings, and says — for what is not a number", () => {
    expect(formatMoney("12.5")).toBe("$12.50");
    for (const bad of [null, undefined, "", "abc", Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatMoney(bad as number)).toBe("—");
    }
  });
});

describe("budgets, counts, percentages and durations", () => {
  it("spend against budget, and the share used capped at 100", () => {
    expect(formatBudget(1.2, 10)).toBe("$1.20 / $10.00");
    expect(formatBudget(1.2, null)).toBe("$1.20 / no limit");
    expect(budgetUsedPercent(5, 10)).toBe(50);
    expect(budgetUsedPercent(50, 10)).toBe(100);
    expect(budgetUsedPercent(5, null)).toBeNull();
    expect(budgetUsedPercent(5, 0)).toBeNull();
  });

  it("formats counts, ratios and durations", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
    expect(formatPercent(0.034)).toBe("3.4%");
    expect(formatPercent(0.0001)).toBe("0.01%");
    expect(formatPercent(null)).toBe("—");
    expect(formatDuration(850.4)).toBe("850 ms");
    expect(formatDuration(2400)).toBe("2.40 s");
    expect(formatDuration(65_000)).toBe("65.0 s");
    expect(toNumber(" ")).toBeNull();
  });
});
