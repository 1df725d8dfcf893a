import { describe, expect, it } from "vitest";
import { splitWrites } from "./split-writes.ts";

const text = (parts: Uint8Array[]) => parts.map((part) => Buffer.from(part).toString("latin1"));
const events = ['data: {"a":1}\n\n', "data: [DONE]\n\n"].map((event) => Buffer.from(event));

describe("splitWrites", () => {
  it("per-event keeps one write per event and drops empty ones", () => {
    expect(text(splitWrites([...events, Buffer.alloc(0)], "per-event"))).toEqual([
      'data: {"a":1}\n\n',
      "data: [DONE]\n\n",
    ]);
  });

  it("mid-line cuts each event halfway through its first line", () => {
    // "data: {\"a\":1}" is 13 bytes, so the cut falls after 6 bytes.
    expect(text(splitWrites(events, "mid-line"))).toEqual([
      "data: ",
      '{"a":1}\n\n',
      "data: ",
      "[DONE]\n\n",
    ]);
  });

  it("mid-event cuts each event halfway through its bytes", () => {
    const frame = Buffer.from([0, 1, 2, 3, 4, 5, 6]);
    expect(splitWrites([frame], "mid-event").map((part) => [...part])).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6],
    ]);
  });

  it("a byte count re-cuts the whole body across event boundaries", () => {
    const parts = splitWrites(events, 4);
    expect(parts.every((part) => part.byteLength <= 4)).toBe(true);
    expect(Buffer.concat(parts).equals(Buffer.concat(events))).toBe(true);
    expect(text(parts)[3]).toBe("}\n\nd");
  });

  it("a small byte count splits a multi-byte character across writes", () => {
    const event = Buffer.from("data: 🙂\n\n"); // the emoji is bytes 6..9
    const parts = splitWrites([event], 8);
    expect(parts.map((part) => part.byteLength)).toEqual([8, 4]);
    expect(Buffer.from(parts[0] ?? []).toString("utf8")).toContain("\uFFFD");
    expect(Buffer.concat(parts).toString("utf8")).toBe("data: 🙂\n\n");
  });

  it("rejects a byte count that is not a positive integer", () => {
    expect(() => splitWrites(events, 0)).toThrow(RangeError);
    expect(() => splitWrites(events, 1.5)).toThrow(RangeError);
  });
});
