import { TimeoutError } from "../errors/gateway-error.ts";

/** The error a call's own deadline aborts it with. */
export function callTimeoutError(provider: string, ms: number | undefined): TimeoutError {
  return new TimeoutError(`Request to ${provider} timed out after ${ms} ms`, { provider });
}
