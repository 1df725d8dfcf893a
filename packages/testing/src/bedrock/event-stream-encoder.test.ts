import { describe, expect, it } from "vitest";
import {
  encodeBedrockEvent,
  encodeBedrockException,
  encodeEventStreamMessage,
} from "./event-stream-encoder.ts";

describe("encodeEventStreamMessage", () => {
  it("reproduces the worked example of the wire-format doc byte for byte", () => {
    const frame = encodeEventStreamMessage(
      {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
      },
      '{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}',
    );
    const hex = Buffer.from(frame).toString("hex");
    expect(frame.byteLength).toBe(159);
    expect(hex.slice(0, 24)).toBe("0000009f00000057c37babff");
    expect(hex.slice(-8)).toBe("f2ace5ff");
  });

  it("writes Bedrock's three string headers on events, and :exception-type on exceptions", () => {
    const event = Buffer.from(encodeBedrockEvent("messageStop", { stopReason: "end_turn" }));
    expect(event.includes(Buffer.from(":event-type"))).toBe(true);
    expect(event.includes(Buffer.from('{"stopReason":"end_turn"}'))).toBe(true);
    const exception = Buffer.from(encodeBedrockException("throttlingException", "slow down"));
    expect(exception.includes(Buffer.from(":exception-type\x07\x00\x13throttlingException"))).toBe(
      true,
    );
    expect(exception.includes(Buffer.from("exception"))).toBe(true);
    expect(exception.includes(Buffer.from('{"message":"slow down"}'))).toBe(true);
  });
});
