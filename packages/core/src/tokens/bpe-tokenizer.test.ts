import { createRequire } from "node:module";
import { Tiktoken, type TiktokenBPE } from "js-tiktoken/lite";
import { beforeAll, describe, expect, it } from "vitest";
import { tiktokenEncoding } from "./tiktoken-encodings.ts";

/** Deterministic pseudo-random lowercase text, so long merge-heavy pieces are reproducible. */
function letters(length: number, seed: number): string {
  let state = seed;
  let text = "";
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    text += String.fromCharCode(97 + ((state >>> 16) % 26));
  }
  return text;
}

const CORPUS = [
  "hello world",
  "",
  " ",
  "The quick brown fox jumps over the lazy dog. It's, they're, we'll, I'd've... DON'T SHOUT!",
  "function add(a: number, b: number): number {\n\treturn a + b; // 42\n}\n\n\n",
  "Numbers: 1234567890 3.14159 1e-10 0x1F $19.99 100%",
  "日本語のテキストは空白なしで長く続くことがあります。これはテストです。中文也是一样的。",
  "Émoji 🙂🙃👩‍👩‍👧‍👦 and accents: naïve café, Привет мир, مرحبا بالعالم, नमस्ते",
  "<|endoftext|> and <|fim_prefix|> are ordinary text here",
  "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  "   leading and trailing whitespace   \r\n\r\n",
  "lone surrogate \ud800 here",
  // Single pieces longer than the scan limit: exercise the heap merge.
  "a".repeat(700),
  letters(400, 7),
  `https://example.com/${letters(300, 11)}?q=${"%20".repeat(50)}`,
  "長".repeat(200),
];

// The reference is js-tiktoken's own encoder over the same rank files (loaded with Node's
// require, as ours are: vite would otherwise transform megabytes of base64).
const require = createRequire(import.meta.url);

describe.each(["o200k_base", "cl100k_base"] as const)("%s", (name) => {
  let reference: Tiktoken;
  beforeAll(() => {
    // js-tiktoken takes seconds to build o200k_base on a slow machine.
    reference = new Tiktoken(require(`js-tiktoken/ranks/${name}`) as TiktokenBPE);
  }, 60_000);

  it("counts 'hello world' as 2 tokens", () => {
    expect(tiktokenEncoding(name).count("hello world")).toBe(2);
  });

  it("produces js-tiktoken's token ids", () => {
    const tokenizer = tiktokenEncoding(name);
    for (const text of CORPUS) {
      // No special tokens allowed or refused: user text that looks like one is plain text.
      const expected = reference.encode(text, [], []);
      expect(tokenizer.encode(text), JSON.stringify(text.slice(0, 40))).toEqual(expected);
      expect(tokenizer.count(text)).toBe(expected.length);
      expect(tokenizer.count(text)).toBe(expected.length); // again, through the merge cache
    }
  });

  it("counts the same through its whole-text cache, after it fills and empties, and past its size bound", () => {
    const tokenizer = tiktokenEncoding(name);
    // More distinct texts than the cache holds (512), each counted twice: every count, cached,
    // evicted or fresh, is the reference's.
    // (Word-like text: js-tiktoken's reference is slow on merge-heavy random letters.)
    const texts = Array.from({ length: 700 }, (_, i) => `turn ${i}: the quick brown fox, ${i * 7}`);
    texts.push(`${"hello world, ".repeat(400)} end`); // longer than a cached text may be
    for (const round of [1, 2]) {
      for (const text of texts) {
        const expected = reference.encode(text, [], []).length;
        expect(tokenizer.count(text), `round ${round}: ${text.slice(0, 30)}`).toBe(expected);
      }
    }
  });
});

describe("known ids", () => {
  it("matches tiktoken's published ids for 'hello world'", () => {
    expect(tiktokenEncoding("cl100k_base").encode("hello world")).toEqual([15339, 1917]);
    expect(tiktokenEncoding("o200k_base").encode("hello world")).toEqual([24912, 2375]);
  });
});
