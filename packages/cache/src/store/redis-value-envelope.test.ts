import { describe, expect, it } from "vitest";
import { decodeEnvelope, encodeEnvelope } from "./redis-value-envelope.ts";

describe("Redis value envelope", () => {
  it("round-trips a value and its expiry, or no expiry", () => {
    expect(decodeEnvelope(encodeEnvelope("v", 1_765_000_000_123))).toEqual({
      value: "v",
      expiresAt: 1_765_000_000_123,
    });
    expect(decodeEnvelope(encodeEnvelope("v", undefined))).toEqual({
      value: "v",
      expiresAt: undefined,
    });
  });

  it("keeps a value that holds pipes or looks like an envelope itself", () => {
    for (const value of ["", "|", "1|0|x", "a|b|c", "1|99|\n|"]) {
      expect(decodeEnvelope(encodeEnvelope(value, 5))).toEqual({ value, expiresAt: 5 });
    }
  });

  it("refuses what is not this layout", () => {
    for (const raw of [
      "",
      "plain",
      "1|",
      "1|12",
      "2|0|v",
      "1||v",
      "1|-5|v",
      "1|1e9|v",
      "1|12345678901234567|v",
    ]) {
      expect(decodeEnvelope(raw)).toBeUndefined();
    }
  });
});
