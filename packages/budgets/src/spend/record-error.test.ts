import { describe, expect, it } from "vitest";
import { isRecordError, recordErrorCode, recordErrorReason } from "./record-error.ts";

const pg = (code: string, message = "refused") => Object.assign(new Error(message), { code });
/** drizzle wraps the driver's error: "Failed query: <statement and parameters>", cause = driver's. */
const wrapped = (cause: Error) =>
  Object.assign(new Error("Failed query: insert ... params: [huge]"), { cause });

describe("isRecordError: retry later, or set the record aside", () => {
  it("sets aside what a value causes: data exceptions, constraints, program limits", () => {
    for (const code of ["54000", "22003", "22021", "22P02", "23502", "22008"]) {
      expect(isRecordError(pg(code)), code).toBe(true);
      expect(isRecordError(wrapped(pg(code))), `wrapped ${code}`).toBe(true);
    }
    expect(isRecordError(new RangeError("Invalid time value"))).toBe(true);
  });

  it("retries what the database's state causes: connections, deadlocks, timeouts, a schema out of step", () => {
    for (const code of ["08006", "40P01", "40001", "57014", "57P01", "53300", "42P01", "42703"]) {
      expect(isRecordError(pg(code)), code).toBe(false);
    }
    expect(
      isRecordError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(false);
    expect(isRecordError(Object.assign(new Error("closed"), { code: "CONNECTION_CLOSED" }))).toBe(
      false,
    );
    expect(isRecordError(new Error("something else"))).toBe(false);
  });

  it("reports the database's own message, not drizzle's statement dump", () => {
    const error = wrapped(pg("54000", "index row size 6016 exceeds btree version 4 maximum 2704"));
    expect(recordErrorCode(error)).toBe("54000");
    expect(recordErrorReason(error)).toBe(
      "index row size 6016 exceeds btree version 4 maximum 2704",
    );
    expect(recordErrorReason(new RangeError("x".repeat(5000))).length).toBeLessThan(1100);
  });
});
