import { InvalidRequestError } from "@org/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCacheControls } from "./request-controls.ts";

const read = (body: Record<string, unknown>, header?: string) => readCacheControls(body, header);

/** The error a call throws; fails the test when it does not throw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function expect400(fn: () => unknown, param: string): InvalidRequestError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(InvalidRequestError);
  const e = error as InvalidRequestError;
  expect(e.status).toBe(400);
  expect(e.param).toBe(param);
  expect(e.code).toBe("invalid_cache_control");
  return e;
}

describe("readCacheControls: nothing asked", () => {
  it("no cache, no caching, no header: nothing", () => {
    expect(read({ model: "m" })).toEqual({ noCache: false, noStore: false });
  });

  it("cache: null and an empty cache object ask nothing", () => {
    expect(read({ cache: null })).toEqual({ noCache: false, noStore: false });
    expect(read({ cache: {} })).toEqual({ noCache: false, noStore: false });
  });
});

describe("readCacheControls: LiteLLM's controls, from the body and from a literal extra_body", () => {
  for (const where of ["body", "extra_body"] as const) {
    const wrap = (cache: unknown): Record<string, unknown> =>
      where === "body" ? { cache } : { extra_body: { cache } };

    it(`${where}: no-cache`, () => {
      expect(read(wrap({ "no-cache": true }))).toMatchObject({ noCache: true, noStore: false });
      expect(read(wrap({ "no-cache": false }))).toMatchObject({ noCache: false });
    });

    it(`${where}: no-store`, () => {
      expect(read(wrap({ "no-store": true }))).toMatchObject({ noCache: false, noStore: true });
    });

    it(`${where}: ttl and s-maxage (0 and fractions are numbers of seconds too)`, () => {
      expect(read(wrap({ ttl: 600 }))).toMatchObject({ ttlSeconds: 600 });
      expect(read(wrap({ ttl: 0 }))).toMatchObject({ ttlSeconds: 0 });
      expect(read(wrap({ "s-maxage": 30 }))).toMatchObject({ maxAgeSeconds: 30 });
      expect(read(wrap({ "s-maxage": 1.5 }))).toMatchObject({ maxAgeSeconds: 1.5 });
    });

    it(`${where}: namespace`, () => {
      expect(read(wrap({ namespace: "team-docs.v2" }))).toMatchObject({
        namespace: "team-docs.v2",
      });
    });

    it(`${where}: use-cache opts in and out`, () => {
      expect(read(wrap({ "use-cache": true }))).toMatchObject({ useCache: true });
      expect(read(wrap({ "use-cache": false }))).toMatchObject({ useCache: false });
    });

    it(`${where}: all at once`, () => {
      expect(
        read(
          wrap({
            "no-cache": true,
            "no-store": true,
            ttl: 60,
            "s-maxage": 10,
            namespace: "ns",
            "use-cache": true,
          }),
        ),
      ).toEqual({
        noCache: true,
        noStore: true,
        ttlSeconds: 60,
        maxAgeSeconds: 10,
        namespace: "ns",
        useCache: true,
      });
    });
  }

  it("the body's cache wins over extra_body.cache", () => {
    expect(read({ cache: { ttl: 1 }, extra_body: { cache: { ttl: 2 } } })).toMatchObject({
      ttlSeconds: 1,
    });
  });

  it("the caching flag opts in and out; use-cache wins over it", () => {
    expect(read({ caching: true })).toMatchObject({ useCache: true });
    expect(read({ caching: false })).toMatchObject({ useCache: false });
    expect(read({ caching: true, cache: { "use-cache": false } })).toMatchObject({
      useCache: false,
    });
  });

  it("unknown members of cache are ignored (LiteLLM adds some over time)", () => {
    expect(read({ cache: { "no-cache": true, "some-future-flag": 1 } })).toEqual({
      noCache: true,
      noStore: false,
    });
  });
});

describe("readCacheControls: the Cache-Control header", () => {
  it("no-cache, no-store, max-age=N", () => {
    expect(read({}, "no-cache")).toEqual({ noCache: true, noStore: false });
    expect(read({}, "no-store")).toEqual({ noCache: false, noStore: true });
    expect(read({}, "max-age=120")).toEqual({ noCache: false, noStore: false, maxAgeSeconds: 120 });
  });

  it("combined, with odd spacing and case, quoted values", () => {
    expect(read({}, "  No-Cache ,NO-STORE,   Max-Age = 30 ")).toEqual({
      noCache: true,
      noStore: true,
      maxAgeSeconds: 30,
    });
    expect(read({}, 'max-age="45"')).toMatchObject({ maxAgeSeconds: 45 });
    expect(read({}, "no-cache,,")).toMatchObject({ noCache: true });
  });

  it("unknown directives are ignored, whatever their value", () => {
    expect(read({}, "private, max-stale=abc, must-revalidate, x-foo")).toEqual({
      noCache: false,
      noStore: false,
    });
    expect(read({}, "")).toEqual({ noCache: false, noStore: false });
  });

  it("the body overrides the header, field by field", () => {
    expect(read({ cache: { "no-cache": false } }, "no-cache, no-store")).toEqual({
      noCache: false,
      noStore: true,
    });
    expect(read({ cache: { "s-maxage": 5 } }, "max-age=100")).toMatchObject({ maxAgeSeconds: 5 });
    expect(read({ cache: { "no-store": false } }, "no-store")).toMatchObject({ noStore: false });
  });

  it("the header alone does not opt in (default_off needs use-cache)", () => {
    expect(read({}, "max-age=10")).not.toHaveProperty("useCache");
  });

  it("max-age that is not a whole number of seconds is a 400 naming cache-control", () => {
    for (const bad of [
      "max-age=abc",
      "max-age=",
      "max-age",
      "max-age=-1",
      "max-age=1.5",
      "max-age=1e3",
      "max-age=99999999999999999999",
      "max-age=10=20",
      "max-age=0x10",
    ]) {
      const e = expect400(() => read({}, bad), "cache-control");
      expect(e.message).toContain("max-age");
    }
  });
});

describe("readCacheControls: hostile values are a 400 naming the param, never a crash", () => {
  it("ttl: negative, NaN-ish strings, non-finite, huge, wrong types", () => {
    for (const bad of [-1, -0.001, "600", "NaN", "abc", "", true, {}, [], 1e308, 2 ** 53]) {
      expect400(() => read({ cache: { ttl: bad } }), "cache.ttl");
    }
    // JSON cannot carry NaN or Infinity, but a caller in-process can.
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect400(() => read({ cache: { ttl: bad } }), "cache.ttl");
    }
  });

  it("s-maxage: the same rules", () => {
    for (const bad of [-5, "10", NaN, 1e300, false]) {
      expect400(() => read({ cache: { "s-maxage": bad } }), "cache.s-maxage");
    }
  });

  it("flags must be booleans (a string 'true' is a typo, not a yes)", () => {
    for (const name of ["no-cache", "no-store", "use-cache"]) {
      for (const bad of ["true", 1, 0, "yes", {}, []]) {
        expect400(() => read({ cache: { [name]: bad } }), `cache.${name}`);
      }
    }
    for (const bad of ["true", 1, {}]) expect400(() => read({ caching: bad }), "caching");
  });

  it("namespace: spaces, newlines, control characters, empty, 10k characters, wrong types", () => {
    for (const bad of [
      "two words",
      "line\nbreak",
      "tab\there",
      "nul\u0000",
      "del\u007f",
      " leading",
      "",
      "x".repeat(10_000),
      "x".repeat(257),
      42,
      { a: 1 },
      ["a"],
      true,
    ]) {
      expect400(() => read({ cache: { namespace: bad } }), "cache.namespace");
    }
    expect(read({ cache: { namespace: "x".repeat(256) } }).namespace).toHaveLength(256);
  });

  it("cache as an array, a string, a number or a boolean", () => {
    for (const bad of [[], [{ "no-cache": true }], "no-cache", 1, true, false]) {
      expect400(() => read({ cache: bad }), "cache");
    }
  });

  it("the same under extra_body names extra_body.cache", () => {
    expect400(() => read({ extra_body: { cache: "no-cache" } }), "extra_body.cache");
    expect400(() => read({ extra_body: { cache: { ttl: -1 } } }), "extra_body.cache.ttl");
    expect400(
      () => read({ extra_body: { cache: { namespace: "a b" } } }),
      "extra_body.cache.namespace",
    );
  });

  it("a null body cache does not hide extra_body.cache, and errors name where the value came from", () => {
    expect(read({ cache: null, extra_body: { cache: { ttl: 3 } } })).toMatchObject({
      ttlSeconds: 3,
    });
    expect400(
      () => read({ cache: null, extra_body: { cache: { ttl: -3 } } }),
      "extra_body.cache.ttl",
    );
  });

  it("the message does not echo a huge value back", () => {
    const e = expect400(() => read({}, `max-age=${"9".repeat(5000)}`), "cache-control");
    expect(e.message.length).toBeLessThan(200);
  });

  it("property: any JSON value as cache, ttl or namespace is either accepted or a 400, never another error", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom("cache", "ttl", "s-maxage", "namespace", "no-cache", "use-cache"),
        fc.option(fc.string(), { nil: undefined }),
        (value, where, header) => {
          const body = where === "cache" ? { cache: value } : { cache: { [where]: value } };
          try {
            read(body, header);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidRequestError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
