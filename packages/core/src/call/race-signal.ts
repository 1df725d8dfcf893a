import type { AbortLike } from "./call-abort.ts";

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. Racing
 * (rather than trusting the transport to honour the signal) is what guarantees a stalled
 * upstream can never hang a call, whatever Transport implementation is plugged in.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortLike): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // its later rejection has nobody left to hear it
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
