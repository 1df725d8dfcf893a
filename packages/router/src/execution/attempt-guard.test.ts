import { describe, expect, it } from "vitest";
import { TimeoutError } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";
import { AttemptGuard } from "./attempt-guard.ts";

// The guard hands its controller to the call, which aborts it on its own deadlines and clean-ups:
// those are the call's to report, and must not pass for a stop of the attempt.
describe("AttemptGuard", () => {
  it("keeps the call's own abort apart from a stop: the call's error is what the attempt sees", async () => {
    const guard = new AttemptGuard(undefined);
    const callError = new Error("build failed");
    // A call that cleans up by aborting its controller, then rejects with its own error.
    const call = (async () => {
      guard.controller.abort(new DOMException("The call failed", "AbortError"));
      throw callError;
    })();
    await expect(guard.wait(call)).rejects.toBe(callError);
    expect(guard.reason).toBeUndefined();
    expect(guard.signal.aborted).toBe(true);
  });

  it("a client that leaves stops the attempt: the wait rejects at once and the call is aborted", async () => {
    const client = new AbortController();
    const guard = new AttemptGuard(client.signal);
    const pending = guard.wait(new Promise<never>(() => {}));
    client.abort();
    await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
    expect(guard.reason).toBeInstanceOf(ClientClosedError);
    expect(guard.signal.reason).toBeInstanceOf(ClientClosedError);
    guard.dispose();
  });

  it("a stop after the call's deadline aborted the controller is still recorded as the reason", async () => {
    const guard = new AttemptGuard(undefined);
    const timeout = new TimeoutError("deadline");
    guard.controller.abort(timeout);
    const stop = new ClientClosedError();
    guard.stop(stop);
    expect(guard.reason).toBe(stop);
    await expect(guard.wait(Promise.resolve(1))).rejects.toBe(stop);
  });

  it("a client gone before the attempt starts refuses the wait", async () => {
    const client = new AbortController();
    client.abort();
    const guard = new AttemptGuard(client.signal);
    await expect(guard.wait(Promise.resolve(1))).rejects.toBeInstanceOf(ClientClosedError);
    expect(guard.signal.aborted).toBe(true);
  });
});
