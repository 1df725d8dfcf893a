import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff.ts";

describe("backoffMs", () => {
  it("doubles from 0.5 s up to 8 s, with at most 25 % jitter", () => {
    expect(backoffMs(0, undefined, 0, () => 0)).toBe(500);
    expect(backoffMs(1, undefined, 0, () => 0)).toBe(1000);
    expect(backoffMs(10, undefined, 0, () => 0)).toBe(8000);
    expect(backoffMs(0, undefined, 0, () => 0.999)).toBeGreaterThanOrEqual(375);
  });

  it("honours an upstream retry-after up to a minute", () => {
    expect(backoffMs(0, 3000, 0, () => 0)).toBe(3000);
    expect(backoffMs(0, 120_000, 0, () => 0)).toBe(500);
  });

  it("never waits less than retry_after", () => {
    expect(backoffMs(0, undefined, 2000, () => 0)).toBe(2000);
    expect(backoffMs(0, 1000, 2000, () => 0)).toBe(2000);
  });
});
