import type { AbortLike } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";

/** Waits `ms`, or rejects with ClientClosedError as soon as the caller aborts. */
export function sleep(ms: number, signal: AbortLike | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ClientClosedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClientClosedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
