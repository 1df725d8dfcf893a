import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { countChatTokens } from "./count-chat-tokens.ts";
import { countToolTokens } from "./count-tool-tokens.ts";
import { tiktokenEncoding } from "./tiktoken-encodings.ts";

const gpt4o = { provider: "openai", model: "gpt-4o" };
const o200k = tiktokenEncoding("o200k_base");
const count = (text: string): number => o200k.count(text);

function pngDataUrl(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return `data:image/png;base64,${b.toString("base64")}`;
}

describe("countChatTokens", () => {
  it("adds OpenAI's per-message framing and reply priming", () => {
    // 3 (message) + 1 ("user") + 2 ("hello world") + 3 (reply priming)
    expect(
      countChatTokens(
        { model: "gpt-4o", messages: [{ role: "user", content: "hello world" }] },
        gpt4o,
      ),
    ).toBe(9);
  });

  it("counts roles, names and every message", () => {
    const request: ChatCompletionRequest = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", name: "example_user", content: "New synergies will drive growth." },
        { role: "assistant", content: "Working together raises revenue." },
        {
          role: "user",
          content: [
            { type: "text", text: "And " },
            { type: "text", text: "now?" },
          ],
        },
      ],
    };
    const expected =
      4 * 3 +
      3 +
      count("system") +
      count("You are terse.") +
      count("user") +
      count("example_user") +
      1 +
      count("New synergies will drive growth.") +
      count("assistant") +
      count("Working together raises revenue.") +
      count("user") +
      count("And ") +
      count("now?");
    expect(countChatTokens(request, gpt4o)).toBe(expected);
  });

  it("uses cl100k_base for gpt-4 and gpt-3.5", () => {
    const cl100k = tiktokenEncoding("cl100k_base");
    const text = "Tokenizers disagree about 日本語 and emoji 🙂.";
    expect(
      countChatTokens(
        { model: "gpt-4", messages: [{ role: "user", content: text }] },
        { provider: "openai", model: "gpt-4" },
      ),
    ).toBe(3 + 1 + cl100k.count(text) + 3);
  });

  it("counts tool definitions the way OpenAI's cookbook does", () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          description: "Get the current weather.",
          parameters: {
            type: "object",
            properties: {
              location: { type: "string", description: "City name." },
              unit: { type: "string", enum: ["celsius", "fahrenheit"] },
            },
            required: ["location"],
          },
        },
      },
    ];
    const definition =
      7 +
      count("get_weather:Get the current weather") +
      3 +
      (3 + count("location:string:City name")) +
      (3 - 3 + (3 + count("celsius")) + (3 + count("fahrenheit")) + count("unit:string:")) +
      12;
    expect(countToolTokens(tools, count, "o200k_base")).toBe(definition);
    const messages = [{ role: "user" as const, content: "Weather in Paris?" }];
    expect(countChatTokens({ model: "gpt-4o", messages, tools }, gpt4o)).toBe(
      countChatTokens({ model: "gpt-4o", messages }, gpt4o) + definition,
    );
  });

  it("counts tool calls and tool results in the history", () => {
    const request: ChatCompletionRequest = {
      model: "gpt-4o",
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
      ],
    };
    const expected =
      2 * 3 +
      3 +
      count("assistant") +
      3 +
      count("get_weather") +
      count('{"location":"Paris"}') +
      count("tool") +
      count('{"temp":21}');
    expect(countChatTokens(request, gpt4o)).toBe(expected);
  });

  it("counts images by the model's rule and the image's own size", () => {
    const base = countChatTokens(
      { model: "gpt-4o", messages: [{ role: "user", content: [] }] },
      gpt4o,
    );
    const withImage = (url: string, detail?: "low" | "high" | "auto", target = gpt4o): number =>
      countChatTokens(
        {
          model: target.model,
          messages: [
            {
              role: "user",
              content: [
                { type: "image_url", image_url: detail === undefined ? { url } : { url, detail } },
              ],
            },
          ],
        },
        target,
      ) - base;
    expect(withImage(pngDataUrl(1024, 1024), "high")).toBe(765);
    expect(withImage(pngDataUrl(1024, 1024), "low")).toBe(85);
    expect(withImage("https://example.com/cat.png")).toBe(85 + 8 * 170);
    expect(
      withImage(pngDataUrl(1024, 1024), "high", { provider: "openai", model: "gpt-4o-mini" }),
    ).toBe(2833 + 4 * 5667);
    expect(
      withImage(pngDataUrl(1024, 1024), "low", { provider: "openai", model: "gpt-4.1-mini" }),
    ).toBe(1659);
    expect(withImage(pngDataUrl(1024, 1024), "high", { provider: "openai", model: "gpt-5" })).toBe(
      70 + 4 * 140,
    );
  });

  it("scales text, not images, for estimated providers", () => {
    const target = { provider: "anthropic", model: "claude-sonnet-4-6" };
    const text = countChatTokens(
      { model: "c", messages: [{ role: "user", content: "hello world" }] },
      target,
    );
    expect(text).toBe(Math.ceil(9 * 1.25));
    const image = countChatTokens(
      {
        model: "c",
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: pngDataUrl(1000, 1000) } }],
          },
        ],
      },
      target,
    );
    expect(image).toBe(Math.ceil(7 * 1.25) + 1334);
  });

  // Its speed (well under a millisecond once warm) is the bench's to measure, not a unit
  // test's: a wall-clock bound flakes on a busy machine. What keeps it fast is asserted here.
  it("counts a 2K-token conversation with the one tokenizer loaded per process, the same every time", () => {
    const turn =
      "Could you look at this function and tell me why the cache hit ratio drops after a deploy? " +
      "const key = `${tenant}:${model}:${hash(messages)}`; return cache.get(key) ?? miss(key); ";
    const messages: ChatCompletionRequest["messages"] = [
      { role: "system", content: "You are a senior engineer." },
    ];
    for (let i = 0; i < 40; i++) {
      messages.push({ role: i % 2 === 0 ? "user" : "assistant", content: `${turn} (turn ${i})` });
    }
    const request: ChatCompletionRequest = { model: "gpt-4o", messages };
    const tokens = countChatTokens(request, gpt4o);
    expect(tokens).toBeGreaterThan(1500);
    expect(tokens).toBeLessThan(2500);

    const tokenizer = tiktokenEncoding("o200k_base");
    for (let i = 0; i < 20; i++) expect(countChatTokens(request, gpt4o)).toBe(tokens);
    // Not reloaded per call: the same loaded tokenizer serves every count.
    expect(tiktokenEncoding("o200k_base")).toBe(tokenizer);
  });
});
