import type { CallController } from "./call-controller.ts";
import { raceSignal } from "./race-signal.ts";

/**
 * Builds the upstream request under the call's deadline: an adapter may do I/O here (an OAuth
 * token, a fetched image), and the deadline covers the whole call, not only the send. A build
 * error is rethrown as it is; once the deadline or the caller's abort fired, its reason wins.
 * On failure the controller is disposed of, as nothing else will own it.
 *
 * Most adapters build synchronously: their request is returned as it is (no promise, so the
 * caller need not await it), and a synchronous throw is thrown here.
 */
export function buildUnderDeadline<T>(
  build: () => T | Promise<T>,
  controller: CallController,
): T | Promise<T> {
  let built: T | Promise<T>;
  try {
    built = build();
  } catch (error) {
    throw failed(error, controller);
  }
  if (!(built instanceof Promise)) return built;
  return raceSignal(built, controller.callAbort).catch((error: unknown) => {
    throw failed(error, controller);
  });
}

function failed(error: unknown, controller: CallController): unknown {
  const abort = controller.callAbort;
  const reason = abort.aborted ? abort.reason : error;
  controller.abort(new DOMException("The call failed", "AbortError"));
  controller.dispose();
  return reason;
}
