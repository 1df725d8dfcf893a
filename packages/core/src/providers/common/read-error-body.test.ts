import { describe, expect, it } from "vitest";
import { parseJsonBody, unreadableErrorMessage } from "./read-error-body.ts";

describe("reading an error body", () => {
  it("parses JSON and gives undefined for anything else", () => {
    expect(parseJsonBody('{"error":{"message":"x"}}')).toEqual({ error: { message: "x" } });
    expect(parseJsonBody("<html>502 Bad Gateway</html>")).toBeUndefined();
    expect(parseJsonBody("")).toBeUndefined();
  });

  it("names the status and truncates an unreadable body", () => {
    expect(unreadableErrorMessage("Cohere", 502, "  ")).toBe("Cohere returned HTTP 502");
    const page = `<html>${"x".repeat(2000)}</html>`;
    const message = unreadableErrorMessage("Upstream", 500, page);
    expect(message.startsWith("Upstream returned HTTP 500: <html>xxx")).toBe(true);
    expect(message.length).toBe("Upstream returned HTTP 500: ".length + 500);
  });
});
