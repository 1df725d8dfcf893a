import type { ChatCompletion } from "@org/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatEntry, decodeEntry, encodeEntry, freshCompletion } from "./cached-entry.ts";
import { decodeChatHit } from "./chat-hit.ts";

const NOW = 1_700_000_000_000;

const COMPLETION: ChatCompletion = {
  id: "chatcmpl-original",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-2024",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: 'Paris. "Quoted" \u00e9\u{1F600}\n', refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
  system_fingerprint: "fp_1",
};

const valueOf = (completion: unknown) =>
  encodeEntry(chatEntry(completion as ChatCompletion, NOW, 60));

describe("decodeChatHit", () => {
  it("the body is byte for byte JSON.stringify of the fresh completion", () => {
    const hit = decodeChatHit(valueOf(COMPLETION))!;
    const fresh = freshCompletion(hit.entry, "call-1", NOW + 5_500);
    expect(hit.body(fresh.id, fresh.created)).toBe(JSON.stringify(fresh));
    expect(hit.entry).toEqual(decodeEntry(valueOf(COMPLETION), "chat", NOW));
  });

  it("an id that needs escaping is escaped (the call id can come from a client's header)", () => {
    const hit = decodeChatHit(valueOf(COMPLETION))!;
    const fresh = freshCompletion(hit.entry, 'a"b\\c\u0001', NOW);
    expect(JSON.parse(hit.body(fresh.id, fresh.created)).id).toBe('chatcmpl-a"b\\c\u0001');
    expect(hit.body(fresh.id, fresh.created)).toBe(JSON.stringify(fresh));
  });

  it("a stored completion without id or created (another writer's) gets them at the end, as spread does", () => {
    const { id: _id, created: _created, ...bare } = COMPLETION;
    for (const completion of [bare, { ...bare, created: 5 }, { created: 5, ...bare, id: "x" }]) {
      const hit = decodeChatHit(valueOf(completion))!;
      const fresh = freshCompletion(hit.entry, "c", NOW);
      expect(hit.body(fresh.id, fresh.created)).toBe(JSON.stringify(fresh));
    }
  });

  it("property: for any completion-shaped JSON, the body equals JSON.stringify of the fresh completion", () => {
    const choice = fc.record({
      index: fc.nat(),
      message: fc.dictionary(fc.string(), fc.jsonValue()),
      finish_reason: fc.constantFrom("stop", "length", "tool_calls"),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.array(choice, { minLength: 1, maxLength: 3 }),
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (extra, choices, model, callId, now) => {
          const completion = { ...extra, choices, model };
          const hit = decodeChatHit(valueOf(completion));
          expect(hit).toBeDefined();
          const fresh = freshCompletion(hit!.entry, callId, now);
          expect(hit!.body(fresh.id, fresh.created)).toBe(JSON.stringify(fresh));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("what every hit shares is frozen: changing a message or the usage throws", () => {
    const hit = decodeChatHit(valueOf(COMPLETION))!;
    const fresh = freshCompletion(hit.entry, "c", NOW);
    expect(() => {
      fresh.choices[0]!.message.content = "changed";
    }).toThrow(TypeError);
    expect(() => {
      fresh.usage!.total_tokens = 0;
    }).toThrow(TypeError);
    expect(() => fresh.choices.push(fresh.choices[0]!)).toThrow(TypeError);
    // The fresh top level is the hit's own.
    fresh.model = "mine";
    expect(freshCompletion(hit.entry, "d", NOW).model).toBe("gpt-4o-2024");
  });

  it("not a chat entry of this version: undefined, never a throw", () => {
    for (const value of [
      "",
      "{",
      "null",
      '{"v":2}',
      encodeEntry({ ...chatEntry(COMPLETION, NOW), kind: "embedding" } as never),
    ])
      expect(decodeChatHit(value), value).toBeUndefined();
  });
});
