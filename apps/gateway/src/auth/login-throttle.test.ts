import { describe, expect, it } from "vitest";
import { RateLimitError } from "@org/core";
import { createLoginThrottle, throttledPrefix } from "./login-throttle.ts";

describe("login throttle", () => {
  it("locks an address after maxFailures for the rest of its window, then lets it try again", () => {
    let now = 1_000_000;
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) throttle.begin("10.0.0.1");
    expect(() => throttle.begin("10.0.0.1")).toThrow(RateLimitError);
    // Another address is not affected.
    expect(() => throttle.begin("10.0.0.2").release()).not.toThrow();
    now += 30_000;
    try {
      throttle.begin("10.0.0.1");
      expect.unreachable();
    } catch (error) {
      expect((error as RateLimitError).retryAfterMs).toBe(30_000);
    }
    now += 30_000;
    expect(() => throttle.begin("10.0.0.1")).not.toThrow();
    expect(() => throttle.begin("10.0.0.1")).not.toThrow();
  });

  it("counts an attempt before its check finishes: a parallel burst cannot all get through", () => {
    const throttle = createLoginThrottle({ maxFailures: 10, windowMs: 60_000 });
    // 60 attempts begun together, none finished yet (their scrypt still running).
    let admitted = 0;
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      try {
        throttle.begin("10.0.0.9");
        admitted++;
      } catch (error) {
        expect(error).toBeInstanceOf(RateLimitError);
        refused++;
      }
    }
    expect({ admitted, refused }).toEqual({ admitted: 10, refused: 50 });
  });

  it("a released attempt (logged in, malformed body) gives its count back, once", () => {
    const throttle = createLoginThrottle({ maxFailures: 2, windowMs: 60_000 });
    const ticket = throttle.begin("10.0.0.3");
    ticket.release();
    ticket.release();
    throttle.begin("10.0.0.3");
    throttle.begin("10.0.0.3");
    expect(() => throttle.begin("10.0.0.3")).toThrow(RateLimitError);
  });

  it("limits an IPv6 client by its /64, not by each of its 2^64 addresses", () => {
    expect(throttledPrefix("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(throttledPrefix("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(throttledPrefix("::1")).toBe("0:0:0:0::/64");
    expect(throttledPrefix("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(throttledPrefix("10.1.2.3")).toBe("10.1.2.3");
    const throttle = createLoginThrottle({ maxFailures: 2, windowMs: 60_000 });
    throttle.begin("2001:db8:1:2::a");
    throttle.begin("2001:db8:1:2::b");
    expect(() => throttle.begin("2001:db8:1:2:9:9:9:9")).toThrow(RateLimitError);
    expect(() => throttle.begin("2001:db8:1:3::a")).not.toThrow();
  });
});
