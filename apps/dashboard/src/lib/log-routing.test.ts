import { describe, expect, it } from "vitest";
import {
  failedAttemptLines,
  formatFailedAttempt,
  formatFallbackChain,
  formatRetries,
} from "./log-routing.ts";

describe("the log detail's retries and fallbacks", () => {
  it("shows a retry count, 0 included, and a dash when the row does not say", () => {
    expect(formatRetries(0)).toBe("0");
    expect(formatRetries(3)).toBe("3");
    expect(formatRetries(null)).toBe("—");
    expect(formatRetries(undefined)).toBe("—");
    expect(formatRetries("2")).toBe("—");
    expect(formatRetries(Number.NaN)).toBe("—");
  });

  it("shows the chain from the requested group through each fallback, none when there was none", () => {
    expect(formatFallbackChain("gpt-4o", ["claude-sonnet", "gemini-pro"])).toBe(
      "gpt-4o → claude-sonnet → gemini-pro",
    );
    expect(formatFallbackChain(null, ["claude-sonnet"])).toBe("claude-sonnet");
    expect(formatFallbackChain("gpt-4o", [])).toBeUndefined();
    expect(formatFallbackChain("gpt-4o", undefined)).toBeUndefined();
    expect(formatFallbackChain("gpt-4o", [{ model: "x" }, 7, ""])).toBeUndefined();
  });

  it("says how each try failed and where, whatever shape the entry has", () => {
    expect(
      formatFailedAttempt({
        model_id: "dep-1",
        model_group: "flaky",
        error_class: "RateLimitError",
        status_code: 429,
      }),
    ).toBe("RateLimitError (429) · flaky · deployment dep-1");
    expect(formatFailedAttempt({ error_class: "InternalServerError" })).toBe("InternalServerError");
    expect(formatFailedAttempt({ status_code: "500", model_id: 5 })).toBe("Error");
    expect(
      failedAttemptLines([{ error_class: "TimeoutError", model_group: "a" }, null, "junk"], 2),
    ).toEqual(["TimeoutError · a", "and 2 more"]);
    expect(failedAttemptLines(undefined, 0)).toEqual([]);
  });
});
