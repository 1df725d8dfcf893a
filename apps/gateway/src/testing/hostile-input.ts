import fc from "fast-check";

/**
 * fast-check arbitraries for hostile HTTP input: the values a careless or malicious client
 * sends to a JSON API. Used by the route fuzz suite (e2e/fuzz-routes.test.ts); each generator
 * names the class of input it stands for, so a failure's counterexample says what broke.
 */

const DEEP = "\u0001deep:";

/**
 * A value nested `depth` levels deep (arrays or objects). It stands in the generated value as a
 * marker string and is spelled out only in the request text by `toJsonText`: serialising (or
 * shrinking) thousands of levels of real nesting would overflow the test's own stack.
 */
export function nested(depth: number, kind: "array" | "object"): string {
  return `${DEEP}${kind}:${depth}\u0001`;
}

/** JSON text of a generated value, with each `nested()` marker spelled out as real nesting. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.replace(
    /"\\u0001deep:(array|object):(\d+)\\u0001"/g,
    (_, kind: string, n: string) => {
      const depth = Number(n);
      return kind === "array"
        ? "[".repeat(depth) + "1" + "]".repeat(depth)
        : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    },
  );
}

/** Keys that reach prototypes or shadow built-ins when code copies objects carelessly. */
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
] as const;

const loneSurrogate = fc.constantFrom("\uD800", "a\uDFFFb", "\uDBFF\uDBFF", "x\uDC00");
const controlChars = fc
  .array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 8 })
  .map((codes) => String.fromCharCode(...codes));
/** Strings that break headers, logs, SQL text columns or terminals. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 10 }).map((s) => `${s}\u0000${s}`),
  loneSurrogate,
  controlChars,
  fc.constantFrom(
    "",
    " ",
    "mock\r\nx-injected: 1",
    "mock\nSet-Cookie: a=b",
    "模型",
    "😀",
    "ÿþ",
    "../../etc/passwd",
    "'; drop table virtual_keys; --",
    "${jndi:ldap://127.0.0.1/a}",
    "%00",
    "null",
    "undefined",
    "NaN",
    "-1",
    "1e400",
    "*",
    "all-proxy-models",
  ),
  fc.integer({ min: 300, max: 200_000 }).map((n) => "x".repeat(n)),
);

/** Numbers past every column's range, and the odd ones JSON allows. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1e10,
    1e12,
    1e300,
    -1e300,
    1e-320,
    2 ** 31,
    2 ** 31 - 1,
    -(2 ** 31) - 1,
    2 ** 53 + 1,
    Number.MAX_VALUE,
    99_999_999_999,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any hostile JSON value: wrong types, huge and deep values, NUL, surrogates, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileString), tie("value"), {
      maxKeys: 4,
    }),
    fc
      .tuple(
        fc.integer({ min: 30, max: 6_000 }),
        fc.constantFrom("array", "object") as fc.Arbitrary<"array" | "object">,
      )
      .map(([depth, kind]) => nested(depth, kind)),
  ),
})).value;

/** Raw bodies that are not JSON, or JSON that a parser may choke on. */
export const hostileRawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "}",
    "[",
    "null",
    "true",
    "0",
    '"x"',
    "{'model': 'mock'}",
    '{"model":"mock",}',
    '{"model":"mock","model":"mock"}',
    "\uFEFF{}",
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    "1e999999",
  ),
  fc.string({ maxLength: 60 }),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => '{"a":'.repeat(n) + "1" + "}".repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => "[".repeat(n)),
  // Not UTF-8: a lone continuation byte, an overlong NUL, an encoded surrogate.
  fc.constantFrom(
    Uint8Array.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d]),
    Uint8Array.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
    Uint8Array.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  ),
);

/** A header value a client can actually send (Latin-1, no CR/LF/NUL), hostile otherwise. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).map(toLatin1Visible),
  fc.string({ unit: "binary", maxLength: 40 }).map(toLatin1Visible),
  fc.constantFrom("", " ", "ÿÿÿ", "\t", "é", "a,b", "a;b=c", "Bearer", "Bearer ", "sk-"),
  fc.integer({ min: 200, max: 6_000 }).map((n) => "x".repeat(n)),
);

function toLatin1Visible(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0x78;
    // Only what fetch can put on the wire: tab, visible ASCII and obs-text (0x80-0xFF).
    out +=
      code === 9 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff) ? ch : "x";
  }
  return out;
}

/** Query-string pieces, including percent escapes that do not decode to UTF-8. */
export const hostileQueryPart: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(percentEncode),
  fc.constantFrom("%", "%zz", "%00", "%C0%80", "%ED%A0%80", "%FF", "a%2", "%25", "+", "&", "="),
);

/** A path segment: percent-encoded hostile text, or raw escapes that do not decode. */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(percentEncode),
  fc.constantFrom("%", "%zz", "%00", "%C0%80", "%ED%A0%80", "%FF", "..", "%2F", "%2e%2e"),
);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent that does not throw on lone surrogates (they become U+FFFD). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, "\uFFFD"));
}
