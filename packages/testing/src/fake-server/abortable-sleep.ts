import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits `ms` (or forever when `ms` is Infinity) unless `signal` aborts first. Resolves `false`
 * when aborted instead of throwing, so callers can simply stop.
 */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms === Infinity) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    return false;
  }
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
