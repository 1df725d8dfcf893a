import { describe, expect, it } from "vitest";
import { publicApiBase, publicParams } from "./secret-params.ts";

// publicApiBase is remembered per value (it runs on every attempt): the answer must be the same
// on the first call, on later calls and after the memory fills and empties.
describe("publicApiBase", () => {
  it("drops userinfo, query and fragment, the same on every call and past the cache's bound", () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        const base = `https://user${i}:pw-${i}@host${i}.example.com/v1/?api-key=sk-${i}#frag`;
        expect(publicApiBase(base)).toBe(`https://host${i}.example.com/v1`);
      }
    }
  });

  it("answers undefined for no value or a value that is not a URL, every time", () => {
    expect(publicApiBase(undefined)).toBeUndefined();
    expect(publicApiBase("not a url sk-secret")).toBeUndefined();
    expect(publicApiBase("not a url sk-secret")).toBeUndefined();
  });

  it("is what publicParams shows as api_base", () => {
    expect(
      publicParams({ api_base: "http://u:p@127.0.0.1:4000/v1?key=k", api_key: "sk-x", model: "m" }),
    ).toEqual({ api_base: "http://127.0.0.1:4000/v1", model: "m" });
  });
});
