import { GatewayError, UpstreamError } from "../errors/gateway-error.ts";
import type { AbortLike } from "./call-abort.ts";

/**
 * The error a call rejects with. Once our signal has fired, its reason is the truth (our
 * TimeoutError, or the caller's AbortError) whatever the transport reported on the way out.
 * Anything that is not already a GatewayError is an upstream fault we could not classify.
 */
export function toCallError(error: unknown, signal: AbortLike, provider: string): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`Call to ${provider} failed: ${message}`, { provider, cause: error });
}
