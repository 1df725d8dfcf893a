import type { CallController } from "./call-controller.ts";
import { raceSignal } from "./race-signal.ts";

/**
 * Builds the upstream request under the call's deadline: an adapter may do I/O here (an OAuth
 * token, a fetched image), and the deadline covers the whole call, not only the send. A build
 * error is rethrown as it is; once the deadline or the caller's abort fired, its reason wins.
 * On failure the controller is disposed of, as nothing else will own it.
 */
export async function buildUnderDeadline<T>(
  build: () => T | Promise<T>,
  controller: CallController,
): Promise<T> {
  try {
    const built = build();
    // Most adapters build synchronously: nothing to race.
    return built instanceof Promise ? await raceSignal(built, controller.signal) : built;
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    controller.abort(new DOMException("The call failed", "AbortError"));
    controller.dispose();
    throw reason;
  }
}
