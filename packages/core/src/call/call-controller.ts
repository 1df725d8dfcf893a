import type { GatewayError } from "../errors/gateway-error.ts";

/**
 * The abort signal of one upstream call. It follows the caller's signal and can be aborted by
 * our own timers, so a timeout tears down the upstream connection through the same path as a
 * client disconnect. `dispose()` removes the listener on the caller's signal: a long-lived
 * signal must not collect one listener per call.
 */
export interface CallController {
  readonly signal: AbortSignal;
  /** Aborts with `makeError()` after `ms` (no-op when `ms` is undefined), until cleared. */
  startTimer(ms: number | undefined, makeError: () => GatewayError): void;
  clearTimer(): void;
  abort(reason: unknown): void;
  dispose(): void;
}

/**
 * `owned`: a controller this call alone may abort, which already follows the caller (the
 * router's attempt guard hands its own). The call then aborts it directly instead of making a
 * second controller that listens to `parent`: an AbortController and a listener pair fewer per
 * call on the hot path (creating an AbortSignal is among Node's costlier allocations).
 */
export function createCallController(
  parent?: AbortSignal,
  owned?: AbortController,
): CallController {
  const controller = owned ?? new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const follow = owned === undefined ? parent : undefined;
  const onParentAbort = () => controller.abort(follow?.reason);
  if (follow?.aborted) controller.abort(follow.reason);
  else follow?.addEventListener("abort", onParentAbort, { once: true });

  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  return {
    signal: controller.signal,
    startTimer(ms, makeError) {
      clearTimer();
      if (ms === undefined || controller.signal.aborted) return;
      timer = setTimeout(() => controller.abort(makeError()), ms);
    },
    clearTimer,
    abort(reason) {
      clearTimer();
      if (!controller.signal.aborted) controller.abort(reason);
    },
    dispose() {
      clearTimer();
      follow?.removeEventListener("abort", onParentAbort);
    },
  };
}
