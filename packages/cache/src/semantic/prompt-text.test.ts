import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { promptText } from "./prompt-text.ts";

describe("promptText", () => {
  it("the whole conversation, one `role: text` line per message", () => {
    expect(
      promptText([
        { role: "system", content: "Be brief." },
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris." },
        { role: "user", content: "And Spain?" },
      ]),
    ).toBe("system: Be brief.\nuser: Capital of France?\nassistant: Paris.\nuser: And Spain?");
  });

  it("the same last question after another conversation is another prompt", () => {
    const last = { role: "user", content: "And its population?" };
    expect(promptText([{ role: "user", content: "France?" }, last])).not.toBe(
      promptText([{ role: "user", content: "Japan?" }, last]),
    );
  });

  it("text parts are joined; an image stands in as its JSON, so two images differ", () => {
    const withImage = (url: string) => [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ];
    const a = promptText(withImage("https://example.test/cat.png"));
    expect(a).toContain("What is in this picture?");
    expect(a).toContain("cat.png");
    expect(a).not.toBe(promptText(withImage("https://example.test/dog.png")));
  });

  it("tool calls and tool results count", () => {
    const call = (city: string) => [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "1",
            type: "function",
            function: { name: "weather", arguments: `{"city":"${city}"}` },
          },
        ],
      },
      { role: "tool", tool_call_id: "1", content: "sunny" },
    ];
    expect(promptText(call("Paris"))).toContain("Paris");
    expect(promptText(call("Paris"))).toContain("tool: sunny");
    expect(promptText(call("Paris"))).not.toBe(promptText(call("Rome")));
  });

  it("empty when there is nothing to embed (no semantic lookup then)", () => {
    expect(promptText(undefined)).toBe("");
    expect(promptText("not an array")).toBe("");
    expect(promptText([])).toBe("");
    expect(promptText([null, 1, "x", { role: "user", content: null }, { role: "user" }])).toBe("");
  });

  it("property: never throws, whatever the messages hold", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (messages) => {
        expect(typeof promptText(messages)).toBe("string");
      }),
      { numRuns: 300 },
    );
  });
});
