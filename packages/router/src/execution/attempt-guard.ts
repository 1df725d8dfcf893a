import { CallAbort, type AbortLike, type GatewayError } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";

/**
 * The abort wiring of one attempt: one CallAbort handed to the call and one listener on
 * the caller's signal. When the caller leaves (or the router gives up on the attempt), the call
 * is aborted (its socket closed) and whatever the router is waiting on rejects at once, even
 * with a call function that ignores its signal. It arms no timer: the call owns the attempt's
 * deadlines (`timeoutMs` / `streamTimeoutMs`, computed by the router), so exactly one timer runs
 * per attempt.
 *
 * The CallAbort is handed to the call as its own (`abortController`), so the call aborts it on
 * its deadlines instead of making a second one that follows this one. It makes no
 * AbortController unless something reads `signal` (a call function that wants a real
 * AbortSignal, or a transport that does): @org/core's call through undici does not, which
 * spares an AbortController per attempt (issue 22). That is why the guard
 * keeps its own record of why it stopped (`reason`): the controller may also be aborted by the
 * call (a deadline, a failed call's clean-up), which is the call's error to report, not a stop.
 */
export class AttemptGuard {
  readonly #controller = new CallAbort();
  readonly #client: AbortLike | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #stopped: unknown = undefined;
  readonly #onClientAbort = () => this.stop(new ClientClosedError());

  constructor(client: AbortLike | undefined) {
    this.#client = client;
    if (client?.aborted === true) {
      this.#stopped = new ClientClosedError();
      this.#controller.abort(this.#stopped);
      return;
    }
    client?.addEventListener("abort", this.#onClientAbort, { once: true });
  }

  /** The attempt's abort as a real AbortSignal, made on first use. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The abort to hand to the call as its own (see the class comment). */
  get controller(): CallAbort {
    return this.#controller;
  }

  /** Aborts the call with `reason`, rejecting the current wait. */
  stop(reason: GatewayError): void {
    this.#stopped ??= reason;
    this.#controller.abort(reason);
    const reject = this.#reject;
    this.#reject = undefined;
    reject?.(reason);
  }

  /** `promise`, unless the attempt is stopped first. */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (this.#stopped !== undefined) {
      promise.catch(() => {});
      return Promise.reject(this.#stopped);
    }
    // Without a caller's signal nothing stops the attempt while it waits (the router stops it
    // only after a wait, and the call's own deadlines reject the call itself): no wrapping
    // promise per wait.
    if (this.#client === undefined) return promise;
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      promise.then(
        (value) => {
          this.#reject = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.#reject = undefined;
          reject(error);
        },
      );
    });
  }

  /** Done with the caller's signal (the attempt is over, or a stream took over). */
  dispose(): void {
    this.#client?.removeEventListener("abort", this.#onClientAbort);
  }

  /** Why the attempt was stopped (the caller left, or the router gave up), if it was. */
  get reason(): unknown {
    return this.#stopped;
  }
}
