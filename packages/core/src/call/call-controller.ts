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

export function createCallController(parent?: AbortSignal): CallController {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });

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
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
