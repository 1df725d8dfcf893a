import type { GatewayError } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";

/**
 * The deadline and abort wiring of one attempt: one AbortController handed to the call, one
 * timer, one listener on the caller's signal. When the deadline passes or the caller leaves, the
 * call is aborted (its socket closed) and whatever the router is waiting on rejects at once,
 * even with a call function that ignores its signal.
 */
export class AttemptGuard {
  readonly #controller = new AbortController();
  readonly #client: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reject: ((error: unknown) => void) | undefined;
  readonly #onClientAbort = () => this.stop(new ClientClosedError());

  constructor(client: AbortSignal | undefined, deadlineMs: number, onDeadline: () => GatewayError) {
    this.#client = client;
    if (client?.aborted === true) {
      this.#controller.abort(new ClientClosedError());
      return;
    }
    client?.addEventListener("abort", this.#onClientAbort, { once: true });
    this.#timer = setTimeout(() => this.stop(onDeadline()), deadlineMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts the call with `reason`, rejecting the current wait. */
  stop(reason: GatewayError): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    const reject = this.#reject;
    this.#reject = undefined;
    reject?.(reason);
  }

  /** `promise`, unless the attempt is stopped first. */
  wait<T>(promise: Promise<T>): Promise<T> {
    const signal = this.#controller.signal;
    if (signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(signal.reason);
    }
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

  /** The deadline no longer applies (answered, or the first chunk is in). */
  clearDeadline(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Done with the caller's signal too (the attempt is over). */
  dispose(): void {
    this.clearDeadline();
    this.#client?.removeEventListener("abort", this.#onClientAbort);
  }

  /** Why the attempt was stopped, if it was. */
  get reason(): unknown {
    return this.#controller.signal.aborted ? this.#controller.signal.reason : undefined;
  }
}
