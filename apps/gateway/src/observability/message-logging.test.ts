import { describe, expect, it } from "vitest";
import { messageLoggingOf } from "./message-logging.ts";

const callbacks = ["langfuse", "generic_api", "otel"];

describe("which callbacks receive messages and answers", () => {
  it("none by default: an unset turn_off_message_logging keeps prompts out of every callback", () => {
    const logging = messageLoggingOf(undefined, undefined, callbacks);
    expect(logging.any).toBe(false);
    for (const name of callbacks) expect(logging.contentFor(name)).toBe(false);
  });

  it("turn_off_message_logging: false turns it on for every callback, minus those set to false", () => {
    const logging = messageLoggingOf(false, { otel: { message_logging: false } }, callbacks);
    expect(logging.any).toBe(true);
    expect(logging.contentFor("langfuse")).toBe(true);
    expect(logging.contentFor("generic_api")).toBe(true);
    expect(logging.contentFor("otel")).toBe(false);
  });

  it("callback_settings.<callback>.message_logging: true turns it on for that callback alone", () => {
    const logging = messageLoggingOf(undefined, { langfuse: { message_logging: true } }, callbacks);
    expect(logging.any).toBe(true);
    expect(logging.contentFor("langfuse")).toBe(true);
    expect(logging.contentFor("generic_api")).toBe(false);
    expect(logging.contentFor("otel")).toBe(false);
  });

  it("turn_off_message_logging: true wins over every callback's own setting", () => {
    const logging = messageLoggingOf(
      true,
      { langfuse: { message_logging: true }, otel: { message_logging: true } },
      callbacks,
    );
    expect(logging.any).toBe(false);
    for (const name of callbacks) expect(logging.contentFor(name)).toBe(false);
  });

  it("a setting for a callback that is not configured builds no content", () => {
    const logging = messageLoggingOf(undefined, { langfuse: { message_logging: true }, x: null }, [
      "otel",
    ]);
    expect(logging.any).toBe(false);
  });
});
