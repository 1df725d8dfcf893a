import { describe, expect, it } from "vitest";
import { InFlightTracker } from "./in-flight.ts";

/** An iterator that never yields on its own: each read waits until `throw` or `return`. */
function stalled() {
  const calls: string[] = [];
  let fail: ((error: unknown) => void) | undefined;
  const iterator: AsyncIterator<number> = {
    next: () => new Promise((_, reject) => (fail = reject)),
    throw: async (error?: unknown) => {
      calls.push("throw");
      fail?.(error);
      throw error;
    },
    return: async () => {
      calls.push("return");
      return { done: true, value: undefined };
    },
  };
  return { calls, parts: { [Symbol.asyncIterator]: () => iterator } };
}

describe("InFlightTracker.cuttable", () => {
  it("a cut ends a pending read with the reason, through the stream's own throw", async () => {
    const tracker = new InFlightTracker();
    const { calls, parts } = stalled();
    const iterator = tracker.cuttable(parts)[Symbol.asyncIterator]();
    const pending = iterator.next();
    const reason = new Error("shutting down");
    expect(tracker.cutStreams(reason)).toBe(1);
    await expect(pending).rejects.toBe(reason);
    expect(calls).toEqual(["throw"]);
    // Cut once: the stream is no longer registered, and reads keep failing.
    expect(tracker.cutStreams(reason)).toBe(0);
    await expect(iterator.next()).rejects.toBe(reason);
  });

  it("a cut between reads fails the next read instead of looking like a clean end", async () => {
    const tracker = new InFlightTracker();
    async function* twoParts() {
      yield 1;
      yield 2;
    }
    const iterator = tracker.cuttable(twoParts())[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    const reason = new Error("shutting down");
    tracker.cutStreams(reason);
    await expect(iterator.next()).rejects.toBe(reason);
  });

  it("streams that ended, failed or were returned are not cut", async () => {
    const tracker = new InFlightTracker();
    async function* one() {
      yield 1;
    }
    const done = tracker.cuttable(one())[Symbol.asyncIterator]();
    await done.next();
    await done.next();
    const returned = tracker.cuttable(stalled().parts)[Symbol.asyncIterator]();
    await returned.return!();
    expect(tracker.cutStreams(new Error("x"))).toBe(0);
  });
});
