import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../logger/logger.ts";
import { SinkQueue } from "../sinks/sink-queue.ts";
import { withoutContent, type RequestEvent } from "./request-event.ts";
import { RequestEventBus } from "./request-event-bus.ts";

const base: RequestEvent = {
  callId: "c1",
  route: "/v1/chat/completions",
  callType: "chat",
  stream: false,
  startTime: 0,
  endTime: 10,
  requestedModel: "gpt",
  cacheHit: false,
  retries: 0,
  fallbacks: [],
  status: "success",
  httpStatus: 200,
  tags: [],
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("RequestEventBus", () => {
  it("feeds observers inline and every queue; a throwing observer is logged once and skipped", async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => void warnings.push(m),
      error() {},
      child: () => logger,
    };
    const seen: string[] = [];
    const delivered: string[] = [];
    const queue = new SinkQueue<RequestEvent>(
      {
        name: "spend",
        deliver: async (batch) => void delivered.push(...batch.map((e) => e.callId)),
      },
      { flushIntervalMs: 10 },
    );
    const bus = new RequestEventBus({
      observers: [
        {
          observe: () => {
            throw new Error("observer bug");
          },
        },
        { observe: (e) => void seen.push(e.callId) },
      ],
      queues: [queue],
      logger,
    });

    for (const id of ["a", "b", "c"])
      expect(() => bus.publish({ ...base, callId: id })).not.toThrow();
    expect(seen).toEqual(["a", "b", "c"]);
    expect(warnings).toEqual(["request event observer threw"]);

    await vi.advanceTimersByTimeAsync(10);
    expect(delivered).toEqual(["a", "b", "c"]);
    await bus.close({ flushTimeoutMs: 100 });
    expect(queue.publish(base)).toBe(false);
  });
});

describe("withoutContent", () => {
  it("drops messages and response and keeps everything else", () => {
    const full: RequestEvent = {
      ...base,
      messages: [{ role: "user", content: "secret" }],
      response: { text: "x" },
    };
    const stripped = withoutContent(full);
    expect(stripped).not.toHaveProperty("messages");
    expect(stripped).not.toHaveProperty("response");
    expect(JSON.stringify(stripped)).not.toContain("secret");
    expect(stripped).toEqual(base);
    expect(withoutContent(base)).toBe(base);
  });
});
