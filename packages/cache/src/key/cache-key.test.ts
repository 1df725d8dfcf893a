import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatKey, embeddingKeys, semanticPartition, type KeyScope } from "./cache-key.ts";
import { canonicalJson } from "./canonical-json.ts";

const SCOPE: KeyScope = { tenant: "team:a" };
const GROUP = "gpt-4o";

const BASE: Record<string, unknown> = {
  model: "gpt-4o",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is the capital of France?" },
  ],
};

const key = (body: Record<string, unknown>, group = GROUP, scope = SCOPE) =>
  chatKey(body, group, scope);

/** The same members in another order, at every depth (arrays keep their order). */
function reorder(value: unknown, pick: (n: number) => number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, pick));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const shuffled: [string, unknown][] = [];
  while (entries.length > 0) {
    const [entry] = entries.splice(pick(entries.length), 1);
    shuffled.push([entry![0], reorder(entry![1], pick)]);
  }
  // fromEntries defines own properties, so a "__proto__" member stays a member.
  return Object.fromEntries(shuffled);
}

describe("canonicalJson and chatKey: JSON key order never matters", () => {
  it("a random nested object and any reordering of its keys give the same canonical JSON", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
        (value, choices) => {
          let i = 0;
          const pick = (n: number) => choices[i++ % choices.length]! % n;
          const shuffled = reorder(value, pick);
          expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
          // And it is JSON of the same value.
          expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a request body with its keys shuffled at every depth has the same key", () => {
    const body = fc.record({
      messages: fc.array(
        fc.record({ role: fc.constantFrom("user", "assistant", "system"), content: fc.string() }),
        { minLength: 1, maxLength: 4 },
      ),
      temperature: fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }),
      tools: fc.option(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }), {
        nil: undefined,
      }),
      response_format: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { minLength: 1, maxLength: 32 }), (b, choices) => {
        let i = 0;
        const pick = (n: number) => choices[i++ % choices.length]! % n;
        const shuffled = reorder(b, pick) as Record<string, unknown>;
        expect(key(shuffled)).toBe(key(b));
      }),
      { numRuns: 200 },
    );
  });

  it("the literal example: {a,b} and {b,a} hash alike, nested too", () => {
    expect(
      key({ ...BASE, response_format: { type: "json_schema", json_schema: { a: 1, b: 2 } } }),
    ).toBe(key({ response_format: { json_schema: { b: 2, a: 1 }, type: "json_schema" }, ...BASE }));
  });

  it("a key is 64 hex characters (SHA-256), prefixed by the namespace when there is one", () => {
    expect(key(BASE)).toMatch(/^[0-9a-f]{64}$/);
    expect(key(BASE, GROUP, { tenant: "team:a", namespace: "docs" })).toMatch(
      /^docs:[0-9a-f]{64}$/,
    );
  });
});

describe("keys are stable across versions of this code", () => {
  // Entries in a shared Redis (and instances not yet upgraded) must keep matching: these hashes
  // were computed by the first canonicalJson; a rewrite for speed must give the same bytes.
  it("known requests give the keys they always gave", () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: 'Capital of France? \u00e9\u{1F600} "q" \n' },
      ],
      temperature: 0.2,
      max_tokens: 32,
      logit_bias: { "50256": -100, "1234": 5 },
      tools: [
        {
          type: "function",
          function: {
            name: "f",
            parameters: {
              type: "object",
              properties: { b: { type: "string" }, a: { type: "number" } },
              required: ["a"],
            },
          },
        },
      ],
      user: "u1",
      stream: true,
    };
    expect(chatKey(body, "gpt-4o", { tenant: "team:t1" })).toBe(
      "9683dc418ad0afd4b1746f83a9015bc170613d96b56c1bc09f8363de9397de56",
    );
    expect(chatKey(body, "gpt-4o", { tenant: "team:t1", namespace: "ns1" })).toBe(
      "ns1:b97f842aace1ceea5738fdb55bb7d1683a5bf9da7037a4d73ff9c4be3be4ee5f",
    );
    expect(semanticPartition(body, "gpt-4o", { tenant: "team:t1" })).toBe(
      "f7991042938cfa936c1a9207c869bb6f3ade9bf54fb18a78971ec04dd1a63183",
    );
    expect(
      embeddingKeys({ model: "e", input: ["a", "b"], dimensions: 8 }, ["a", "b"], "e", {
        tenant: "key:k",
      }),
    ).toEqual([
      "e59db690a61cf8492cca0cb1ebc8c111b8ae009a51272a501d9844cb2152c916",
      "aa7745c1af56dca90d68826ca7418af3800f00b4699b3f589ee38f3e6535c789",
    ]);
  });

  it("property: canonicalJson is JSON.stringify of the value with its keys sorted at every depth", () => {
    // The reference: a copy whose objects list their keys in sorted order. Keys that are array
    // indexes ("10", "9") would be reordered by the copy itself, so the reference sorts by hand.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
      if (Array.isArray(value)) return `[${value.map((item) => reference(item)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .sort()
        .filter((k) => record[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
      return `{${members.join(",")}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });
});

describe("chatKey: what changes the answer changes the key", () => {
  const changes: [string, unknown, unknown][] = [
    ["messages", BASE["messages"], [{ role: "user", content: "What is the capital of Spain?" }]],
    [
      "tools",
      [{ type: "function", function: { name: "a" } }],
      [{ type: "function", function: { name: "b" } }],
    ],
    ["tool_choice", "auto", "none"],
    ["response_format", { type: "text" }, { type: "json_object" }],
    ["temperature", 0, 0.7],
    ["top_p", 1, 0.5],
    ["max_tokens", 10, 11],
    ["max_completion_tokens", 10, 11],
    ["stop", ["\n"], ["END"]],
    ["seed", 1, 2],
    ["n", 1, 2],
    ["logit_bias", { "50256": -100 }, { "50256": 100 }],
    ["reasoning_effort", "low", "high"],
    ["presence_penalty", 0, 1],
    ["frequency_penalty", 0, 1],
    ["logprobs", false, true],
    ["a_field_nobody_knows", 1, 2],
  ];

  for (const [field, a, b] of changes) {
    it(`${field}: two values give two keys, and its absence a third`, () => {
      const withA = key({ ...BASE, [field]: a });
      const withB = key({ ...BASE, [field]: b });
      expect(withA).not.toBe(withB);
      if (field !== "messages") {
        expect(withA).not.toBe(key(BASE));
        expect(withB).not.toBe(key(BASE));
      }
    });
  }

  it("message content differing only in whitespace or case is a different request", () => {
    const ask = (content: string) => key({ ...BASE, messages: [{ role: "user", content }] });
    expect(ask("Hello")).not.toBe(ask("hello"));
    expect(ask("Hello")).not.toBe(ask("Hello "));
  });

  it("array order changes the key (messages, stop, tools)", () => {
    const m1 = { role: "user", content: "one" };
    const m2 = { role: "user", content: "two" };
    expect(key({ ...BASE, messages: [m1, m2] })).not.toBe(key({ ...BASE, messages: [m2, m1] }));
    expect(key({ ...BASE, stop: ["a", "b"] })).not.toBe(key({ ...BASE, stop: ["b", "a"] }));
  });

  it("a message's role matters (the same words from the assistant are another conversation)", () => {
    expect(key({ ...BASE, messages: [{ role: "user", content: "x" }] })).not.toBe(
      key({ ...BASE, messages: [{ role: "assistant", content: "x" }] }),
    );
  });

  it("the model group, the tenant and the namespace change it", () => {
    expect(key(BASE, "gpt-4o")).not.toBe(key(BASE, "gpt-4o-mini"));
    expect(key(BASE, GROUP, { tenant: "team:a" })).not.toBe(key(BASE, GROUP, { tenant: "team:b" }));
    expect(key(BASE, GROUP, { tenant: "team:a" })).not.toBe(
      key(BASE, GROUP, { tenant: "team:a", namespace: "n1" }),
    );
    expect(key(BASE, GROUP, { tenant: "team:a", namespace: "n1" })).not.toBe(
      key(BASE, GROUP, { tenant: "team:a", namespace: "n2" }),
    );
    // The same namespace in two tenants is still two keys (only the hash's prefix is shared).
    const a = key(BASE, GROUP, { tenant: "team:a", namespace: "n1" });
    const b = key(BASE, GROUP, { tenant: "team:b", namespace: "n1" });
    expect(a).not.toBe(b);
  });

  it("the request's `model` string is not the key (the resolved group is): aliases share", () => {
    expect(key({ ...BASE, model: "alias-of-gpt-4o" })).toBe(key(BASE));
  });

  it("extra_body fields other than cache count; extra_body.cache does not", () => {
    expect(key({ ...BASE, extra_body: { top_k: 5 } })).not.toBe(key(BASE));
    expect(key({ ...BASE, extra_body: { cache: { "no-cache": true } } })).toBe(key(BASE));
    expect(key({ ...BASE, extra_body: { cache: { ttl: 5 }, top_k: 5 } })).toBe(
      key({ ...BASE, extra_body: { top_k: 5 } }),
    );
  });

  it("a value of another JSON type is another key (1 vs '1', null vs absent is not confused with 0)", () => {
    expect(key({ ...BASE, seed: 1 })).not.toBe(key({ ...BASE, seed: "1" }));
    expect(key({ ...BASE, temperature: 0 })).not.toBe(key({ ...BASE, temperature: null }));
  });
});

describe("chatKey: what does not change the answer does not change the key", () => {
  const ignored: [string, unknown][] = [
    ["user", "alice"],
    ["metadata", { trace: "x", tags: ["a"] }],
    ["stream", true],
    ["stream_options", { include_usage: true }],
    ["cache", { "no-cache": true, ttl: 60, namespace: "x" }],
    ["caching", true],
    ["litellm_call_id", "call-123"],
    ["litellm_trace_id", "trace-123"],
    ["litellm_session_id", "session-123"],
    ["timeout", 30],
    ["request_timeout", 30],
    ["num_retries", 3],
    ["max_retries", 3],
    ["tags", ["prod"]],
    ["safety_identifier", "hash"],
    ["fallbacks", ["gpt-4o-mini"]],
  ];
  for (const [field, value] of ignored) {
    it(`${field}`, () => {
      expect(key({ ...BASE, [field]: value })).toBe(key(BASE));
    });
  }

  it("all of them together", () => {
    const noisy = { ...BASE, ...Object.fromEntries(ignored) };
    expect(key(noisy)).toBe(key(BASE));
  });

  it("an undefined member is the same as an absent one (it does not survive JSON)", () => {
    expect(key({ ...BASE, temperature: undefined })).toBe(key(BASE));
  });
});

describe("semanticPartition", () => {
  it("ignores the messages but not the other parameters", () => {
    const other = { ...BASE, messages: [{ role: "user", content: "something else" }] };
    expect(semanticPartition(other, GROUP, SCOPE)).toBe(semanticPartition(BASE, GROUP, SCOPE));
    expect(semanticPartition({ ...BASE, temperature: 1 }, GROUP, SCOPE)).not.toBe(
      semanticPartition(BASE, GROUP, SCOPE),
    );
    expect(semanticPartition(BASE, "other", SCOPE)).not.toBe(semanticPartition(BASE, GROUP, SCOPE));
    expect(semanticPartition(BASE, GROUP, { tenant: "team:b" })).not.toBe(
      semanticPartition(BASE, GROUP, SCOPE),
    );
  });

  it("is never the exact key of the same request", () => {
    expect(semanticPartition(BASE, GROUP, SCOPE)).not.toBe(key(BASE));
  });
});

describe("embeddingKeys", () => {
  const EMB = { model: "embed", input: ["a", "b", "c"] };

  it("one key per input, all different for different inputs", () => {
    const keys = embeddingKeys(EMB, ["a", "b", "c"], "embed", SCOPE);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });

  it("the same input in two batches (and alone) has the same key", () => {
    const [, b1] = embeddingKeys({ model: "embed", input: ["a", "b"] }, ["a", "b"], "embed", SCOPE);
    const [b2] = embeddingKeys({ model: "embed", input: ["b", "z"] }, ["b", "z"], "embed", SCOPE);
    const [alone] = embeddingKeys({ model: "embed", input: "b" }, ["b"], "embed", SCOPE);
    expect(b1).toBe(b2);
    expect(b1).toBe(alone);
  });

  it("token-array inputs are keyed by their tokens, and differ from the same text", () => {
    const [t1] = embeddingKeys({ model: "e", input: [[1, 2, 3]] }, [[1, 2, 3]], "e", SCOPE);
    const [t2] = embeddingKeys({ model: "e", input: [1, 2, 3] }, [[1, 2, 3]], "e", SCOPE);
    const [t3] = embeddingKeys({ model: "e", input: [[3, 2, 1]] }, [[3, 2, 1]], "e", SCOPE);
    const [text] = embeddingKeys({ model: "e", input: "1,2,3" }, ["1,2,3"], "e", SCOPE);
    expect(t1).toBe(t2);
    expect(t1).not.toBe(t3);
    expect(t1).not.toBe(text);
  });

  it("dimensions and encoding_format change every input's key", () => {
    const plain = embeddingKeys(EMB, ["a"], "embed", SCOPE)[0];
    const dims = embeddingKeys({ ...EMB, dimensions: 256 }, ["a"], "embed", SCOPE)[0];
    const dims2 = embeddingKeys({ ...EMB, dimensions: 512 }, ["a"], "embed", SCOPE)[0];
    const b64 = embeddingKeys({ ...EMB, encoding_format: "base64" }, ["a"], "embed", SCOPE)[0];
    expect(new Set([plain, dims, dims2, b64]).size).toBe(4);
  });

  it("user is ignored; model group, tenant and namespace are not", () => {
    const k = (body: Record<string, unknown>, group = "embed", scope = SCOPE) =>
      embeddingKeys(body, ["a"], group, scope)[0];
    expect(k({ ...EMB, user: "bob" })).toBe(k(EMB));
    expect(k(EMB, "embed-2")).not.toBe(k(EMB));
    expect(k(EMB, "embed", { tenant: "team:b" })).not.toBe(k(EMB));
    expect(k(EMB, "embed", { tenant: "team:a", namespace: "n" })).toMatch(/^n:/);
  });

  it("an embedding key never equals a chat key for the same text", () => {
    const [emb] = embeddingKeys({ model: "m", input: "hi" }, ["hi"], "m", SCOPE);
    expect(emb).not.toBe(key({ model: "m", messages: "hi" }, "m"));
  });
});

describe("canonicalJson: agrees with a JSON round trip about undefined", () => {
  it("undefined members are dropped, undefined array items become null, as JSON does", () => {
    const value = { a: undefined, b: [undefined, 1, () => 1], c: { d: undefined }, e: () => 1 };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
    expect(canonicalJson(value)).toBe('{"b":[null,1,null],"c":{}}');
  });

  it("non-finite numbers print as null, as JSON does", () => {
    const value = { a: NaN, b: [Infinity, -Infinity], c: -0 };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it("property: for any value with undefined sprinkled in, it equals the round trip's", () => {
    const withUndefined = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(undefined),
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.string(),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), withUndefined, { maxKeys: 5 }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
      }),
      { numRuns: 300 },
    );
  });

  it("a top-level undefined is null, like a JSON null", () => {
    expect(canonicalJson(undefined)).toBe("null");
  });
});
