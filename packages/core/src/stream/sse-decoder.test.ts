import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../provider/adapter.ts";
import type { DecodedRead } from "./decoded-read.ts";
import { decodeSse } from "./sse-decoder.ts";

const encoder = new TextEncoder();

async function* reads(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<DecodedRead[]> {
  const out: DecodedRead[] = [];
  for await (const read of decodeSse(source)) out.push(read);
  return out;
}

const eventsOf = (decoded: DecodedRead[]): StreamEvent[] => decoded.flatMap((read) => read.events);

/** Splits bytes at every given offset. */
function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const offset of offsets) {
    pieces.push(bytes.slice(start, offset));
    start = offset;
  }
  pieces.push(bytes.slice(start));
  return pieces;
}

describe("decodeSse", () => {
  it("yields one read per upstream read, with the events it completed and its exact bytes", async () => {
    const first = encoder.encode('data: {"a":1}\n\ndata: {"b"');
    const second = encoder.encode(":2}\n\n");
    const decoded = await collect(reads(first, second));
    expect(decoded).toHaveLength(2);
    expect(decoded[0]?.events).toEqual([{ data: '{"a":1}' }]);
    expect(decoded[0]?.raw).toBe(first);
    expect(decoded[1]?.events).toEqual([{ data: '{"b":2}' }]);
    expect(decoded[1]?.raw).toBe(second);
  });

  it("handles an event split mid-line and mid-field across many reads", async () => {
    const text = 'event: message_delta\ndata: {"text":"hello"}\n\n';
    const pieces = text.split("").map((char) => encoder.encode(char));
    expect(eventsOf(await collect(reads(...pieces)))).toEqual([
      { event: "message_delta", data: '{"text":"hello"}' },
    ]);
  });

  it("decodes a multi-byte UTF-8 character split across reads", async () => {
    const bytes = encoder.encode('data: {"t":"日本🌊é"}\n\n');
    const emoji = bytes.indexOf(0xf0);
    // Split inside the 3-byte CJK char, inside the 4-byte emoji, and inside the 2-byte é.
    const pieces = splitAt(bytes, 14, emoji + 1, emoji + 3, emoji + 5);
    const events = eventsOf(await collect(reads(...pieces)));
    expect(events).toEqual([{ data: '{"t":"日本🌊é"}' }]);
    expect(events[0]?.data).not.toContain("\uFFFD");
  });

  it("survives a split at every byte offset", async () => {
    const bytes = encoder.encode('data: {"x":"ü€𝄞"}\r\n\r\ndata: [DONE]\r\n\r\n');
    for (let offset = 1; offset < bytes.length; offset++) {
      const events = eventsOf(await collect(reads(...splitAt(bytes, offset))));
      expect(events, `split at ${offset}`).toEqual([{ data: '{"x":"ü€𝄞"}' }, { data: "[DONE]" }]);
    }
  });

  it("accepts CRLF and bare CR line endings", async () => {
    const crlf = eventsOf(await collect(reads("data: one\r\n\r\ndata: two\r\n\r\n")));
    expect(crlf).toEqual([{ data: "one" }, { data: "two" }]);
    const cr = eventsOf(await collect(reads("data: one\r\rdata: two\r\r")));
    expect(cr).toEqual([{ data: "one" }, { data: "two" }]);
  });

  it("keeps a CRLF pair split between two reads as one line end", async () => {
    const events = eventsOf(await collect(reads("data: one\r", "\n\r", "\ndata: two\r\n\r\n")));
    expect(events).toEqual([{ data: "one" }, { data: "two" }]);
  });

  it("skips comments but still passes their bytes through", async () => {
    const decoded = await collect(
      reads(": OPENROUTER PROCESSING\n\n", ": keep-alive\n\ndata: x\n\n"),
    );
    expect(decoded.map((read) => read.events)).toEqual([[], [{ data: "x" }]]);
    expect(new TextDecoder().decode(decoded[0]?.raw)).toBe(": OPENROUTER PROCESSING\n\n");
  });

  it("accepts data: without a space and joins multi-line data with a newline", async () => {
    const events = eventsOf(await collect(reads('data:{"a":1}\n\ndata: line1\ndata:line2\n\n')));
    expect(events).toEqual([{ data: '{"a":1}' }, { data: "line1\nline2" }]);
  });

  it("carries the event name", async () => {
    const events = eventsOf(
      await collect(reads('event: ping\ndata: {}\n\nevent:error\ndata: {"e":1}\n\n')),
    );
    expect(events).toEqual([
      { event: "ping", data: "{}" },
      { event: "error", data: '{"e":1}' },
    ]);
  });

  it("flushes a final event that has no blank line after it", async () => {
    const decoded = await collect(reads("data: first\n\ndata: last"));
    expect(eventsOf(decoded)).toEqual([{ data: "first" }, { data: "last" }]);
    // The flushed event arrives in a byte-less read: its bytes were already relayed.
    expect(decoded.at(-1)?.raw.byteLength).toBe(0);

    expect(eventsOf(await collect(reads("data: last\n")))).toEqual([{ data: "last" }]);
    expect(eventsOf(await collect(reads("data: last\r")))).toEqual([{ data: "last" }]);
  });

  it("adds no flush read when the stream ended cleanly", async () => {
    const decoded = await collect(reads("data: a\n\n"));
    expect(decoded).toHaveLength(1);
  });

  it("handles a 1 MB line", async () => {
    const big = "x".repeat(1024 * 1024);
    const bytes = encoder.encode(`data: ${big}\n\n`);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 16 * 1024) pieces.push(bytes.slice(i, i + 16 * 1024));
    const events = eventsOf(await collect(reads(...pieces)));
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(big.length);
  });
});
