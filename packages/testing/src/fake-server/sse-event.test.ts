import { describe, expect, it } from "vitest";
import { sseEvent, toSseEventText } from "./sse-event.ts";

describe("sseEvent", () => {
  it("frames a payload as data lines ended by a blank line", () => {
    expect(sseEvent('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(sseEvent("line 1\nline 2")).toBe("data: line 1\ndata: line 2\n\n");
  });

  it("puts event, id and retry fields before the data", () => {
    expect(sseEvent("{}", { event: "message_start", id: "7", retry: 1000 })).toBe(
      "event: message_start\nid: 7\nretry: 1000\ndata: {}\n\n",
    );
  });
});

describe("toSseEventText", () => {
  it("sends text that already ends an event verbatim, in all three line-ending styles", () => {
    for (const item of [
      ": keep-alive\n\n",
      "data: {}\r\n\r\n",
      "data:{}\r\r",
      "event: ping\ndata: {}\n\n",
    ]) {
      expect(toSseEventText(item)).toBe(item);
    }
  });

  it("frames anything else as a data payload", () => {
    expect(toSseEventText("[DONE]")).toBe("data: [DONE]\n\n");
    // Text with only one newline is not a finished event, so it is framed like any payload.
    expect(toSseEventText("data: x")).toBe("data: data: x\n\n");
    expect(toSseEventText("a\n")).toBe("data: a\ndata: \n\n");
  });
});
