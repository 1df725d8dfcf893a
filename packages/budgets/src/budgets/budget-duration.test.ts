import { describe, expect, it } from "vitest";
import {
  budgetDuration,
  nextResetAt,
  parseBudgetDuration,
  windowEndAt,
  windowStartAt,
} from "./budget-duration.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("parseBudgetDuration", () => {
  it.each(["30s", "30m", "1h", "1hr", "1d", "7d", "2w", "1mo"])("accepts %s", (text) => {
    expect(typeof parseBudgetDuration(text)).toBe("object");
  });

  it.each(["", "0d", "-1d", "1y", "d", "1.5h", "abc"])("rejects %j with a message", (text) => {
    expect(parseBudgetDuration(text)).toMatch(/Invalid budget_duration/);
  });
});

describe("nextResetAt (LiteLLM's standardized reset times, UTC)", () => {
  const now = at("2025-03-12T10:17:42.500Z"); // a Wednesday

  it.each([
    ["30s", "2025-03-12T10:18:00.000Z"],
    ["30m", "2025-03-12T10:30:00.000Z"],
    ["1h", "2025-03-12T11:00:00.000Z"],
    ["1d", "2025-03-13T00:00:00.000Z"],
    ["7d", "2025-03-17T00:00:00.000Z"],
    ["30d", "2025-04-01T00:00:00.000Z"],
    ["3d", "2025-03-15T00:00:00.000Z"],
    ["1w", "2025-03-17T00:00:00.000Z"],
    ["2w", "2025-03-24T00:00:00.000Z"],
    ["1mo", "2025-04-01T00:00:00.000Z"],
  ])("%s -> %s", (text, expected) => {
    expect(iso(nextResetAt(budgetDuration(text), now))).toBe(expected);
  });

  it("is strictly after now on a boundary", () => {
    expect(iso(nextResetAt(budgetDuration("1h"), at("2025-03-12T10:00:00.000Z")))).toBe(
      "2025-03-12T11:00:00.000Z",
    );
  });

  it("restarts at midnight for steps that do not divide the day", () => {
    expect(iso(nextResetAt(budgetDuration("7h"), at("2025-03-12T22:00:00.000Z")))).toBe(
      "2025-03-13T00:00:00.000Z",
    );
  });

  it("rolls December into January", () => {
    expect(iso(nextResetAt(budgetDuration("1mo"), at("2025-12-31T23:00:00Z")))).toBe(
      "2026-01-01T00:00:00.000Z",
    );
  });
});

describe("windowEndAt", () => {
  const d = budgetDuration("1d");

  it("is the stored reset time while it is ahead", () => {
    const resetAt = at("2025-03-13T00:00:00Z");
    expect(windowEndAt(d, resetAt, at("2025-03-12T12:00:00Z"))).toBe(resetAt);
  });

  it("rolls forward from a reset that was missed (gateway down)", () => {
    const resetAt = at("2025-03-13T00:00:00Z");
    expect(iso(windowEndAt(d, resetAt, at("2025-03-15T08:00:00Z")))).toBe(
      "2025-03-16T00:00:00.000Z",
    );
  });

  it("jumps over long outages of short windows", () => {
    const s = budgetDuration("30s");
    const resetAt = at("2025-03-13T00:00:00Z");
    expect(iso(windowEndAt(s, resetAt, at("2025-04-13T00:00:10Z")))).toBe(
      "2025-04-13T00:00:30.000Z",
    );
  });

  it("without a stored reset time, is the next standardized reset", () => {
    expect(iso(windowEndAt(d, undefined, at("2025-03-12T12:00:00Z")))).toBe(
      "2025-03-13T00:00:00.000Z",
    );
  });
});

describe("windowStartAt", () => {
  it("is the reset time itself while the first window after it runs", () => {
    const resetAt = at("2025-03-13T00:00:00Z");
    expect(windowStartAt(budgetDuration("1d"), resetAt, at("2025-03-13T00:00:40Z"))).toBe(resetAt);
  });

  it("is the last boundary before now after missed resets, matching windowEndAt", () => {
    const d = budgetDuration("1d");
    const resetAt = at("2025-03-13T00:00:00Z");
    const now = at("2025-03-15T08:00:00Z");
    expect(iso(windowStartAt(d, resetAt, now))).toBe("2025-03-15T00:00:00.000Z");
    expect(nextResetAt(d, windowStartAt(d, resetAt, now))).toBe(windowEndAt(d, resetAt, now));
  });

  it("follows calendar months", () => {
    const resetAt = at("2025-02-01T00:00:00Z");
    expect(iso(windowStartAt(budgetDuration("1mo"), resetAt, at("2025-04-20T00:00:00Z")))).toBe(
      "2025-04-01T00:00:00.000Z",
    );
  });

  it("lands on a boundary after a long outage of a short window", () => {
    const s = budgetDuration("30s");
    const start = windowStartAt(s, at("2025-03-13T00:00:00Z"), at("2025-04-13T00:00:10Z"));
    expect(iso(start)).toBe("2025-04-13T00:00:00.000Z");
  });
});
