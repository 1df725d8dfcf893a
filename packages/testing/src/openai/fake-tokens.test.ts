import { describe, expect, it } from "vitest";
import { fakeTokenCount, fakeTokenPieces } from "./fake-tokens.ts";

describe("fakeTokenPieces", () => {
  it("splits into words with their leading whitespace and joins back to the text", () => {
    expect(fakeTokenPieces("echo: hi  there ")).toEqual(["echo:", " hi", "  there", " "]);
    for (const text of ["", "  ", "a", "héllo 🙂 wörld\nnext"]) {
      expect(fakeTokenPieces(text).join("")).toBe(text);
    }
    expect(fakeTokenCount("one two three")).toBe(3);
  });
});
