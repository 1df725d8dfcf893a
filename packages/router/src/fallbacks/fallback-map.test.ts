import { describe, expect, it } from "vitest";
import { fallbacksFor, toFallbackMap, withDefaultFallbacks } from "./fallback-map.ts";

describe("fallback maps", () => {
  it("reads LiteLLM's list of one-key objects and plain maps", () => {
    const map = toFallbackMap([{ a: ["b", "c"] }, { d: ["e"] }]);
    expect(fallbacksFor(map, "a")).toEqual(["b", "c"]);
    expect(fallbacksFor(toFallbackMap({ a: ["x"] }), "a")).toEqual(["x"]);
  });

  it("falls back to the entry without provider prefix, then to *", () => {
    const map = toFallbackMap([{ "gpt-4o": ["b"] }, { "*": ["z"] }]);
    expect(fallbacksFor(map, "openai/gpt-4o")).toEqual(["b"]);
    expect(fallbacksFor(map, "other")).toEqual(["z"]);
  });

  it("applies a per-request list of names to the requested group", () => {
    const map = toFallbackMap(["b", "c"], "a");
    expect(fallbacksFor(map, "a")).toEqual(["b", "c"]);
    expect(fallbacksFor(map, "b")).toBeUndefined();
  });

  it("adds default_fallbacks as the * entry", () => {
    expect(fallbacksFor(withDefaultFallbacks(toFallbackMap(undefined), ["d"]), "x")).toEqual(["d"]);
  });
});
