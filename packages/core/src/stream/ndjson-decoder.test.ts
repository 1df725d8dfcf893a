import { describe, expect, it } from "vitest";
import type { DecodedRead } from "./decoded-read.ts";
import { decodeNdjson } from "./ndjson-decoder.ts";

const encoder = new TextEncoder();

async function* reads(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<DecodedRead[]> {
  const out: DecodedRead[] = [];
  for await (const read of decodeNdjson(source)) out.push(read);
  return out;
}

describe("decodeNdjson", () => {
  it("yields each line as an event, per read, with the read's bytes", async () => {
    const first = encoder.encode('{"a":1}\n{"b":');
    const second = encoder.encode("2}\n");
    const decoded = await collect(reads(first, second));
    expect(decoded.map((read) => read.events)).toEqual([
      [{ data: '{"a":1}' }],
      [{ data: '{"b":2}' }],
    ]);
    expect(decoded[0]?.raw).toBe(first);
    expect(decoded[1]?.raw).toBe(second);
  });

  it("joins a line split over several reads", async () => {
    const decoded = await collect(reads('{"mess', 'age":', '"hi"}', "\n"));
    expect(decoded.flatMap((read) => read.events)).toEqual([{ data: '{"message":"hi"}' }]);
  });

  it("decodes UTF-8 split across reads", async () => {
    const bytes = encoder.encode('{"c":"東🌊"}\n');
    const pieces = [bytes.slice(0, 8), bytes.slice(8, 12), bytes.slice(12)];
    const events = (await collect(reads(...pieces))).flatMap((read) => read.events);
    expect(events).toEqual([{ data: '{"c":"東🌊"}' }]);
  });

  it("strips CR and skips blank lines", async () => {
    const events = (await collect(reads('{"a":1}\r\n\r\n\n{"b":2}\r\n'))).flatMap(
      (read) => read.events,
    );
    expect(events).toEqual([{ data: '{"a":1}' }, { data: '{"b":2}' }]);
  });

  it("flushes a last line without a newline", async () => {
    const decoded = await collect(reads('{"a":1}\n{"done":true}'));
    expect(decoded.flatMap((read) => read.events)).toEqual([
      { data: '{"a":1}' },
      { data: '{"done":true}' },
    ]);
    expect(decoded.at(-1)?.raw.byteLength).toBe(0);
  });
});
