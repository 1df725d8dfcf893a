import { describe, expect, it } from "vitest";
import { ApiError, describeError, errorFromResponse } from "./api-error.ts";

describe("errorFromResponse", () => {
  it("uses LiteLLM's error envelope: message and param", () => {
    const error = errorFromResponse(400, {
      error: {
        message: "max_budget: expected number",
        type: "invalid_request_error",
        param: "max_budget",
        code: "400",
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.message, error.status, error.param]).toEqual([
      "max_budget: expected number",
      400,
      "max_budget",
    ]);
  });

  it("reads LiteLLM's detail form and plain string errors", () => {
    expect(errorFromResponse(403, { detail: { error: "not allowed here" } }).message).toBe(
      "not allowed here",
    );
    expect(errorFromResponse(404, { detail: "Team not found" }).message).toBe("Team not found");
    expect(errorFromResponse(400, { error: "bad thing" }).message).toBe("bad thing");
  });

  it("puts words on a status when the body is not an envelope (a proxy's HTML page, nothing)", () => {
    expect(errorFromResponse(401, undefined).message).toBe(
      "Your session has ended: sign in again.",
    );
    expect(errorFromResponse(504, "<html>").message).toBe("The gateway failed to answer.");
    expect(errorFromResponse(418, {}).message).toBe("The request failed (HTTP 418).");
  });

  it("bounds a long message and describes network failures in words", () => {
    expect(errorFromResponse(400, { error: { message: "x".repeat(5000) } }).message).toHaveLength(
      500,
    );
    expect(describeError(new TypeError("Failed to fetch"))).toBe(
      "The gateway could not be reached. Check that it is running.",
    );
  });
});
