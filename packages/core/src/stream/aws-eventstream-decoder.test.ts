import { crc32 } from "@aws-crypto/crc32";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UpstreamError } from "../errors/gateway-error.ts";
import type { StreamEvent } from "../provider/adapter.ts";
import { decodeAwsEventStream } from "./aws-eventstream-decoder.ts";

/**
 * The worked example of docs/provider-wire-formats.md §6.4, written out byte by byte from the
 * documented layout (not produced by any encoder): three string headers (32 + 33 + 22 = 87
 * bytes), a 56-byte JSON payload, total 159 = 0x9f, headers 87 = 0x57, prelude CRC c37babff,
 * message CRC f2ace5ff.
 */
const HAND_WRITTEN_FRAME = [
  "0000009f", // total_length 159
  "00000057", // headers_length 87
  "c37babff", // prelude CRC-32 of the 8 bytes above
  // ":event-type" (11 bytes), type 7, length 17, "contentBlockDelta"
  "0b",
  hex(":event-type"),
  "07",
  "0011",
  hex("contentBlockDelta"),
  // ":content-type" (13 bytes), type 7, length 16, "application/json"
  "0d",
  hex(":content-type"),
  "07",
  "0010",
  hex("application/json"),
  // ":message-type" (13 bytes), type 7, length 5, "event"
  "0d",
  hex(":message-type"),
  "07",
  "0005",
  hex("event"),
  hex('{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}'),
  "f2ace5ff", // message CRC-32 of everything before it
].join("");

function hex(text: string): string {
  return Buffer.from(text, "utf8").toString("hex");
}

function fromHex(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, "hex"));
}

async function* reads(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function decodeAll(source: AsyncIterable<Uint8Array>) {
  const events: StreamEvent[] = [];
  const raws: Uint8Array[] = [];
  for await (const read of decodeAwsEventStream(source)) {
    events.push(...read.events);
    raws.push(read.raw);
  }
  return { events, raws };
}

/** A frame built from the layout with arbitrary typed headers, for the header-type tests. */
function frame(headers: Uint8Array, payload: string): Uint8Array {
  const body = Buffer.from(payload, "utf8");
  const total = 12 + headers.byteLength + body.byteLength + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headers.byteLength);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  out.set(headers, 12);
  out.set(body, 12 + headers.byteLength);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

function stringHeader(name: string, value: string): Buffer {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(v.length);
  return Buffer.concat([Buffer.from([n.length]), n, Buffer.from([7]), length, v]);
}

describe("decodeAwsEventStream", () => {
  it("decodes the hand-written frame of the documented layout", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    expect(bytes.byteLength).toBe(159);
    // The documented CRCs are what CRC-32 gives for these bytes.
    expect(crc32(bytes.subarray(0, 8)).toString(16)).toBe("c37babff");
    expect(crc32(bytes.subarray(0, 155)).toString(16)).toBe("f2ace5ff");
    expect(crc32(Buffer.from("123456789")).toString(16)).toBe("cbf43926");

    const { events, raws } = await decodeAll(reads(bytes));
    expect(events).toEqual([
      {
        event: "contentBlockDelta",
        data: '{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}',
      },
    ]);
    expect(raws).toEqual([bytes]);
  });

  it("reassembles a frame split at every byte offset", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    for (let cut = 1; cut < bytes.byteLength; cut++) {
      const { events } = await decodeAll(reads(bytes.subarray(0, cut), bytes.subarray(cut)));
      expect(events.map((event) => event.event)).toEqual(["contentBlockDelta"]);
    }
  });

  it("decodes a real fixture body fed one byte per read, and as one read", async () => {
    const body = new Uint8Array(
      readFileSync(new URL("../providers/bedrock/__fixtures__/stream-text.bin", import.meta.url)),
    );
    const whole = await decodeAll(reads(body));
    const bytewise = await decodeAll(
      reads(...Array.from({ length: body.byteLength }, (_, i) => body.subarray(i, i + 1))),
    );
    expect(bytewise.events).toEqual(whole.events);
    expect(whole.events[0]).toMatchObject({ event: "messageStart" });
    expect(whole.events.at(-1)).toMatchObject({ event: "metadata" });
    // Each read is yielded with its own bytes, even when it completes no event.
    expect(bytewise.raws).toHaveLength(body.byteLength);
    expect(Buffer.concat(bytewise.raws)).toEqual(Buffer.from(body));
  });

  it("yields several frames completed by one read in order", async () => {
    const one = fromHex(HAND_WRITTEN_FRAME);
    const two = frame(
      Buffer.concat([
        stringHeader(":event-type", "contentBlockStop"),
        stringHeader(":message-type", "event"),
      ]),
      '{"contentBlockIndex":0}',
    );
    const { events, raws } = await decodeAll(reads(Buffer.concat([one, two])));
    expect(raws).toHaveLength(1);
    expect(events.map((event) => event.event)).toEqual(["contentBlockDelta", "contentBlockStop"]);
  });

  it("throws on a bad prelude CRC", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    bytes[9] = (bytes[9] ?? 0) ^ 0xff;
    await expect(decodeAll(reads(bytes))).rejects.toThrow(/prelude CRC mismatch/);
  });

  it("throws on a bad message CRC (a flipped payload byte)", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    bytes[120] = (bytes[120] ?? 0) ^ 0x01;
    const error = await decodeAll(reads(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(/message CRC mismatch/);
  });

  it("rejects a corrupt length as soon as the prelude is in", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x7fffffff);
    view.setUint32(8, crc32(bytes.subarray(0, 8)));
    await expect(decodeAll(reads(bytes.subarray(0, 12)))).rejects.toThrow(/invalid message length/);
  });

  it("treats a frame cut off at the end of the body as an error", async () => {
    const bytes = fromHex(HAND_WRITTEN_FRAME);
    await expect(decodeAll(reads(bytes.subarray(0, 100)))).rejects.toThrow(
      /ended in the middle of a message/,
    );
  });

  it("names exception frames by :exception-type", async () => {
    const bytes = frame(
      Buffer.concat([
        stringHeader(":exception-type", "throttlingException"),
        stringHeader(":content-type", "application/json"),
        stringHeader(":message-type", "exception"),
      ]),
      '{"message":"Too many tokens, please wait before trying again."}',
    );
    const { events } = await decodeAll(reads(bytes));
    expect(events).toEqual([
      {
        event: "throttlingException",
        data: '{"message":"Too many tokens, please wait before trying again."}',
      },
    ]);
  });

  it("turns protocol error frames into an `error` event with code and message", async () => {
    const bytes = frame(
      Buffer.concat([
        stringHeader(":message-type", "error"),
        stringHeader(":error-code", "InternalFailure"),
        stringHeader(":error-message", "Something broke"),
      ]),
      "",
    );
    const { events } = await decodeAll(reads(bytes));
    expect(events).toEqual([
      { event: "error", data: '{"code":"InternalFailure","message":"Something broke"}' },
    ]);
  });

  it("skips over non-string header types without losing the headers after them", async () => {
    const int32 = Buffer.from([5, ...Buffer.from("count"), 4, 0, 0, 0, 42]);
    const bool = Buffer.from([4, ...Buffer.from("flag"), 0]);
    const bytes = Buffer.from([3, ...Buffer.from("raw"), 6, 0, 2, 0xde, 0xad]);
    const timestamp = Buffer.from([2, ...Buffer.from("ts"), 8, 0, 0, 1, 0x8c, 0, 0, 0, 0]);
    const uuid = Buffer.from([2, ...Buffer.from("id"), 9, ...new Array<number>(16).fill(7)]);
    const encoded = frame(
      Buffer.concat([
        int32,
        bool,
        bytes,
        timestamp,
        uuid,
        stringHeader(":event-type", "messageStop"),
      ]),
      '{"stopReason":"end_turn"}',
    );
    const { events } = await decodeAll(reads(encoded));
    expect(events).toEqual([{ event: "messageStop", data: '{"stopReason":"end_turn"}' }]);
  });

  it("yields nothing for an empty body", async () => {
    const { events } = await decodeAll(reads());
    expect(events).toEqual([]);
  });
});
