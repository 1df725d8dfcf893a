import { describe, expect, it } from "vitest";
import { RateLimitError } from "@org/core";
import { createLoginThrottle } from "./login-throttle.ts";

describe("login throttle", () => {
  it("locks an address after maxFailures for the rest of its window, then lets it try again", () => {
    let now = 1_000_000;
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      throttle.check("10.0.0.1");
      throttle.failed("10.0.0.1");
    }
    expect(() => throttle.check("10.0.0.1")).toThrow(RateLimitError);
    // Another address is not affected.
    expect(() => throttle.check("10.0.0.2")).not.toThrow();
    now += 30_000;
    try {
      throttle.check("10.0.0.1");
      expect.unreachable();
    } catch (error) {
      expect((error as RateLimitError).retryAfterMs).toBe(30_000);
    }
    now += 30_000;
    expect(() => throttle.check("10.0.0.1")).not.toThrow();
    throttle.failed("10.0.0.1");
    expect(() => throttle.check("10.0.0.1")).not.toThrow();
  });
});
