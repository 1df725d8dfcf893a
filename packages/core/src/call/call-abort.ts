/**
 * What waiting on an abort needs, and all undici's `request({ signal })` uses: `AbortSignal`
 * has it, and so does `CallAbort`.
 */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * The abort of one call (or one router attempt), without an AbortController until someone asks
 * for a real `AbortSignal` (`signal`). Node's AbortController costs more to create than the
 * rest of a call's abort wiring together (~5 us each on Node 20, issue 22), and a non-streamed
 * call through undici never needs one: undici's `request()` takes any object with
 * `aborted`/`reason`/`addEventListener`/`removeEventListener`, and so do raceSignal and the
 * call's own error mapping.
 *
 * Behaves as an AbortController's signal for those uses: `abort(reason)` takes effect once
 * (later calls do nothing), sets `aborted` and `reason` (an AbortError DOMException when no
 * reason is given) before the listeners run, runs each listener once in the order added, and a
 * listener added after the abort never runs. The `signal` made on demand follows it (already
 * aborted when asked for after the abort).
 */
export class CallAbort implements AbortLike {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] | undefined = undefined;
  #controller: AbortController | undefined;

  /** `controller`: a caller's own controller to use as `signal` (and to abort with this). */
  constructor(controller?: AbortController) {
    this.#controller = controller;
  }

  /** A real AbortSignal following this one, made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason =
      reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (this.#controller !== undefined && !this.#controller.signal.aborted) {
      this.#controller.abort(this.reason);
    }
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // As an EventTarget does: one failing listener does not stop the others, and its error
        // is reported as uncaught rather than thrown at whoever aborted.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  addEventListener(type: "abort", listener: () => void): void {
    if (type !== "abort" || this.aborted) return;
    const listeners = (this.#listeners ??= []);
    // As an EventTarget does: the same listener added twice runs once.
    if (!listeners.includes(listener)) listeners.push(listener);
  }

  removeEventListener(type: "abort", listener: () => void): void {
    const listeners = this.#listeners;
    if (type !== "abort" || listeners === undefined) return;
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  }
}
