import { describe, expect, it } from "vitest";
import { CallAbort } from "./call-abort.ts";
import { raceSignal } from "./race-signal.ts";

describe("CallAbort", () => {
  it("aborts once: the first reason stays, later aborts change nothing", () => {
    const abort = new CallAbort();
    const heard: unknown[] = [];
    abort.addEventListener("abort", () => heard.push(abort.reason));
    abort.abort("first");
    abort.abort("second");
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe("first");
    expect(heard).toEqual(["first"]);
  });

  it("gives an AbortError DOMException when aborted without a reason, as AbortController does", () => {
    const abort = new CallAbort();
    abort.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe("AbortError");
  });

  it("runs listeners in the order added, each once; removed or late ones never", () => {
    const abort = new CallAbort();
    const order: string[] = [];
    const a = () => order.push("a");
    const b = () => order.push("b");
    const removed = () => order.push("removed");
    abort.addEventListener("abort", a);
    abort.addEventListener("abort", removed);
    abort.addEventListener("abort", b);
    abort.addEventListener("abort", a); // the same listener twice runs once
    abort.removeEventListener("abort", removed);
    abort.abort("x");
    abort.addEventListener("abort", () => order.push("late"));
    abort.abort("y");
    expect(order).toEqual(["a", "b"]);
  });

  it("a listener that throws does not stop the others nor throw at whoever aborted", async () => {
    const abort = new CallAbort();
    let second = false;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.prependListener("uncaughtException", onUncaught);
    try {
      abort.addEventListener("abort", () => {
        throw new Error("listener failed");
      });
      abort.addEventListener("abort", () => {
        second = true;
      });
      expect(() => abort.abort("x")).not.toThrow();
      expect(second).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeListener("uncaughtException", onUncaught);
    }
    expect(uncaught).toHaveLength(1);
  });

  it("makes a real AbortSignal only on demand, following it before and after the abort", () => {
    const early = new CallAbort();
    const signal = early.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(early.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    early.abort("reason");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("reason");

    const late = new CallAbort();
    late.abort("gone");
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe("gone");
  });

  it("aborts a caller's own controller with it", () => {
    const controller = new AbortController();
    const abort = new CallAbort(controller);
    expect(abort.signal).toBe(controller.signal);
    abort.abort("deadline");
    expect(controller.signal.reason).toBe("deadline");
  });

  it("stands in for an AbortSignal in raceSignal: a pending wait rejects with the reason", async () => {
    const abort = new CallAbort();
    const pending = raceSignal(new Promise(() => {}), abort);
    abort.abort(new Error("timed out"));
    await expect(pending).rejects.toThrow("timed out");
    // Settled waits leave no listener behind.
    const settled = new CallAbort();
    await raceSignal(Promise.resolve(1), settled);
    let heard = false;
    settled.addEventListener("abort", () => {
      heard = true;
    });
    settled.abort();
    expect(heard).toBe(true);
  });
});
