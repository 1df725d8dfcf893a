import type { GatewayError } from "../errors/gateway-error.ts";
import { CallAbort } from "./call-abort.ts";

/**
 * The abort of one upstream call. It follows the caller's signal and can be aborted by our own
 * timers, so a timeout tears down the upstream connection through the same path as a client
 * disconnect. `dispose()` removes the listener on the caller's signal: a long-lived signal must
 * not collect one listener per call.
 */
export interface CallController {
  /** The call's abort: what the hot path waits on and hands to a transport that takes it. */
  readonly callAbort: CallAbort;
  /** The same as a real AbortSignal, made on first use (see CallAbort). */
  readonly signal: AbortSignal;
  /** Aborts with `makeError()` after `ms` (no-op when `ms` is undefined), until cleared. */
  startTimer(ms: number | undefined, makeError: () => GatewayError): void;
  clearTimer(): void;
  /** Aborts the call with `reason` (once) and clears the timer. */
  abort(reason: unknown): void;
  dispose(): void;
}

/**
 * `owned`: an abort this call alone may fire, which already follows the caller (the router's
 * attempt guard hands its own `CallAbort`; an AbortController is taken too). The call then
 * aborts it directly instead of making a second one that listens to `parent`: no
 * AbortController and no listener pair per call on the hot path.
 */
export function createCallController(
  parent?: AbortSignal,
  owned?: CallAbort | AbortController,
): CallController {
  if (owned instanceof CallAbort) return new Controller(owned, undefined);
  if (owned !== undefined) return new Controller(new CallAbort(owned), owned.signal);
  return new Controller(new CallAbort(), parent);
}

// A class rather than an object of closures: one allocation per call, methods shared.
class Controller implements CallController {
  readonly callAbort: CallAbort;
  readonly #follow: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #onFollowAbort: (() => void) | undefined = undefined;

  constructor(abort: CallAbort, follow: AbortSignal | undefined) {
    this.callAbort = abort;
    this.#follow = follow;
    if (follow === undefined) return;
    if (follow.aborted) {
      abort.abort(follow.reason);
      return;
    }
    this.#onFollowAbort = () => abort.abort(follow.reason);
    follow.addEventListener("abort", this.#onFollowAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.callAbort.signal;
  }

  startTimer(ms: number | undefined, makeError: () => GatewayError): void {
    this.clearTimer();
    if (ms === undefined || this.callAbort.aborted) return;
    const abort = this.callAbort;
    this.#timer = setTimeout(() => abort.abort(makeError()), ms);
  }

  clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(reason: unknown): void {
    this.clearTimer();
    this.callAbort.abort(reason);
  }

  dispose(): void {
    this.clearTimer();
    if (this.#onFollowAbort !== undefined) {
      this.#follow?.removeEventListener("abort", this.#onFollowAbort);
      this.#onFollowAbort = undefined;
    }
  }
}
