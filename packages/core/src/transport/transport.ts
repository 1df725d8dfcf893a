import type { UpstreamRequest } from "../provider/adapter.ts";

/**
 * How a built upstream request reaches the network. `@org/core` ships an undici-based
 * implementation (keep-alive pool per origin); the router passes its own with its limits,
 * and tests may pass an in-memory one.
 */
export interface TransportResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body as it arrives, for streams. Consume it or call `text()`, not both. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Releases the connection without reading the rest of the body. */
  dump(): Promise<void>;
  /**
   * True when aborting the send's signal also fails any pending or later read of this body at
   * once (`text()` and `body`), as undici's does: callers then need not race every read against
   * the signal themselves (a listener pair and a promise per read). Leave it unset otherwise.
   */
  readonly signalEndsBody?: boolean;
}

/** An option left undefined (or absent) means the transport's default. */
export interface TransportOptions {
  signal?: AbortSignal;
  /** Milliseconds to wait for response headers (time to first byte). */
  headersTimeoutMs?: number;
  /** Milliseconds allowed between two body chunks. */
  bodyTimeoutMs?: number;
}

export interface Transport {
  /**
   * True when `send()` uses its `signal` only as an AbortLike (reads `aborted` and `reason`,
   * adds and removes an "abort" listener), as undici's `request()` does: a call then hands it
   * its CallAbort instead of making an AbortSignal (an AbortController per call, issue 22).
   * Leave it unset when the signal goes anywhere that needs a real AbortSignal.
   */
  readonly takesAbortLike?: boolean;
  send(request: UpstreamRequest, options?: TransportOptions): Promise<TransportResponse>;
  close(): Promise<void>;
}
