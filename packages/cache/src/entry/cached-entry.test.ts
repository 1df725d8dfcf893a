import type { ChatCompletion } from "@org/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chatEntry,
  decodeEntry,
  embeddingEntry,
  encodeEntry,
  freshCompletion,
} from "./cached-entry.ts";

const NOW = 1_700_000_000_000;

const COMPLETION: ChatCompletion = {
  id: "chatcmpl-original",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-2024",
  choices: [{ index: 0, message: { role: "assistant", content: "Paris." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
};

const chatValue = encodeEntry(chatEntry(COMPLETION, NOW, 60));
const embValue = encodeEntry(embeddingEntry([0.1, 0.2], "embed-v1", 3, NOW, 60));

describe("decodeEntry: a good entry round trips", () => {
  it("chat and embedding", () => {
    expect(decodeEntry(chatValue, "chat", NOW)?.completion).toEqual(COMPLETION);
    expect(decodeEntry(embValue, "embedding", NOW)).toMatchObject({
      embedding: [0.1, 0.2],
      model: "embed-v1",
      tokens: 3,
    });
    // base64 embeddings are strings, and stay strings.
    const b64 = encodeEntry(embeddingEntry("AAAAPw==", "e", 1, NOW));
    expect(decodeEntry(b64, "embedding", NOW)?.embedding).toBe("AAAAPw==");
  });

  it("no ttl: no expiry", () => {
    const forever = encodeEntry(chatEntry(COMPLETION, NOW));
    expect(decodeEntry(forever, "chat", NOW + 10 * 365 * 24 * 3600 * 1000)).toBeDefined();
  });
});

describe("decodeEntry: everything else is a miss (undefined), never a throw", () => {
  it("absent", () => {
    expect(decodeEntry(undefined, "chat", NOW)).toBeUndefined();
  });

  it("garbage that is not JSON, or JSON of the wrong shape", () => {
    for (const garbage of [
      "",
      "not json",
      "{",
      "\u0000\u0001",
      "null",
      "true",
      "42",
      '"a string"',
      "[]",
      "[1,2,3]",
      "{}",
      '{"v":1}',
      '{"v":1,"kind":"chat"}',
      '{"v":1,"kind":"chat","storedAt":"yesterday","expiresAt":null,"completion":{}}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null,"completion":null}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null,"completion":{"choices":"x","model":"m"}}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null,"completion":{"choices":[]}}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null,"completion":{"choices":[null],"model":"m"}}',
      '{"v":1,"kind":"chat","storedAt":1,"expiresAt":null,"completion":{"choices":[{"index":0}],"model":"m"}}',
      '{"v":1,"kind":"embedding","storedAt":1,"expiresAt":null,"embedding":{"0":1},"model":"m","tokens":1}',
      '{"v":1,"kind":"embedding","storedAt":1,"expiresAt":null,"embedding":5,"model":"m","tokens":1}',
    ]) {
      expect(decodeEntry(garbage, "chat", NOW), garbage).toBeUndefined();
      expect(decodeEntry(garbage, "embedding", NOW), garbage).toBeUndefined();
    }
  });

  it("an embedding entry without its model or token count (it would answer model: undefined)", () => {
    const base = { v: 1, kind: "embedding", storedAt: NOW, expiresAt: null, embedding: [1] };
    expect(decodeEntry(JSON.stringify({ ...base, tokens: 1 }), "embedding", NOW)).toBeUndefined();
    expect(
      decodeEntry(JSON.stringify({ ...base, model: 5, tokens: 1 }), "embedding", NOW),
    ).toBeUndefined();
    expect(
      decodeEntry(JSON.stringify({ ...base, model: "m", tokens: "1" }), "embedding", NOW),
    ).toBeUndefined();
  });

  it("an expiry that is not a number or null is not 'never expires'", () => {
    const forged = JSON.stringify({ ...JSON.parse(chatValue), expiresAt: "2000-01-01" });
    expect(decodeEntry(forged, "chat", NOW)).toBeUndefined();
  });

  it("another version (older or newer) is a miss", () => {
    for (const v of [0, 2, "1", null]) {
      const other = JSON.stringify({ ...JSON.parse(chatValue), v });
      expect(decodeEntry(other, "chat", NOW)).toBeUndefined();
    }
  });

  it("the wrong kind is a miss: a chat entry never answers an embedding and vice versa", () => {
    expect(decodeEntry(chatValue, "embedding", NOW)).toBeUndefined();
    expect(decodeEntry(embValue, "chat", NOW)).toBeUndefined();
  });

  it("expired at exactly its expiry and after; alive one ms before", () => {
    expect(decodeEntry(chatValue, "chat", NOW + 60_000 - 1)).toBeDefined();
    expect(decodeEntry(chatValue, "chat", NOW + 60_000)).toBeUndefined();
    expect(decodeEntry(chatValue, "chat", NOW + 3_600_000)).toBeUndefined();
    expect(decodeEntry(embValue, "embedding", NOW + 60_000)).toBeUndefined();
  });

  it("older than s-maxage is a miss; exactly as old is not", () => {
    expect(decodeEntry(chatValue, "chat", NOW + 10_000, 10)).toBeDefined();
    expect(decodeEntry(chatValue, "chat", NOW + 10_001, 10)).toBeUndefined();
    expect(decodeEntry(chatValue, "chat", NOW + 1, 0)).toBeUndefined();
  });

  it("property: any string decodes to undefined or a well-formed entry, without throwing", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (value) => {
          for (const kind of ["chat", "embedding"] as const) {
            const entry = decodeEntry(value, kind, NOW);
            if (entry !== undefined) expect(entry.kind).toBe(kind);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("freshCompletion", () => {
  it("a fresh id and created, content and usage as stored, the stored entry untouched", () => {
    const entry = decodeEntry(chatValue, "chat", NOW)!;
    const fresh = freshCompletion(entry, "call-42", NOW + 5_500);
    expect(fresh.id).toBe("chatcmpl-call-42");
    expect(fresh.created).toBe(Math.floor((NOW + 5_500) / 1000));
    expect(fresh.choices).toEqual(COMPLETION.choices);
    expect(fresh.usage).toEqual(COMPLETION.usage);
    expect(fresh.model).toBe(COMPLETION.model);
    expect(entry.completion.id).toBe("chatcmpl-original");
  });
});
