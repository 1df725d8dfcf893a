import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "./parse-retry-after.ts";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads seconds, fractional seconds and milliseconds", () => {
    expect(parseRetryAfterMs({ "retry-after": "7" }, now)).toBe(7000);
    expect(parseRetryAfterMs({ "retry-after": "1.5" }, now)).toBe(1500);
    expect(parseRetryAfterMs({ "retry-after-ms": "250.4" }, now)).toBe(250);
  });

  it("prefers retry-after-ms", () => {
    expect(parseRetryAfterMs({ "retry-after-ms": "100", "retry-after": "9" }, now)).toBe(100);
  });

  it("reads an HTTP date, never negative", () => {
    expect(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, now)).toBe(30_000);
    expect(parseRetryAfterMs({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, now)).toBe(0);
  });

  it("ignores missing or garbage values", () => {
    expect(parseRetryAfterMs({}, now)).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after-ms": "-5", "retry-after": "2" }, now)).toBe(2000);
  });
});
