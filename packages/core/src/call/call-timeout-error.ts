import { TimeoutError } from "../errors/gateway-error.ts";

/** The error a call's own deadline aborts it with. */
export function callTimeoutError(provider: string, ms: number | undefined): TimeoutError {
  return new TimeoutError(`Request to ${provider} timed out after ${ms} ms`, { provider });
}

/** A stream's deadline until its first chunk passed. */
export function firstChunkTimeoutError(provider: string, ms: number | undefined): TimeoutError {
  return new TimeoutError(`${provider} sent no first chunk within ${ms} ms`, { provider });
}

/** A stream went quiet for longer than its idle timeout. */
export function streamIdleTimeoutError(provider: string, ms: number): TimeoutError {
  return new TimeoutError(`${provider} sent no stream data for ${ms} ms`, { provider });
}
