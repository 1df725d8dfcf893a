/**
 * How a body is cut into socket writes, so tests can exercise reassembly in the client:
 * - `"per-event"`: one write per event (per SSE event, NDJSON line or binary frame);
 * - `"mid-line"`: each event in two writes, cut halfway through its first line (a reader sees a
 *   partial line / partial JSON);
 * - `"mid-event"`: each event in two writes, cut halfway through its bytes (for binary frames);
 * - a number: the whole body re-cut into writes of that many bytes, ignoring event boundaries
 *   (a small number splits multi-byte UTF-8 characters across reads).
 */
export type SplitWrites = "per-event" | "mid-line" | "mid-event" | number;

/**
 * What happens after the last write:
 * - `"close"`: the response ends normally (terminating chunk or full content-length); the
 *   keep-alive connection stays usable;
 * - `"hang"`: the response stays open forever (truncated-stream and idle-timeout tests); released
 *   when the client disconnects or the fake closes;
 * - `"destroy"`: the socket is destroyed without ending the response, so the client sees a body
 *   cut short.
 */
export type EndWith = "close" | "hang" | "destroy";

/** A response with a status line: headers are flushed at once, then the body writes. */
export interface FakeReply {
  readonly kind: "reply";
  readonly status: number;
  /** Lower-case names. Without `content-length` the body is sent chunked. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** Body bytes; each element is one socket write, written exactly as given. */
  readonly writes: readonly Uint8Array[];
  /** Wait after the headers, before the first body write. */
  readonly firstByteDelayMs: number;
  /** Wait between body writes. */
  readonly delayMs: number;
  readonly endWith: EndWith;
}

/** Never answers; released when the client disconnects or the fake closes. */
export interface FakeHang {
  readonly kind: "hang";
}

/** Resets the connection (TCP RST) without sending anything: the client sees ECONNRESET. */
export interface FakeDestroy {
  readonly kind: "destroy";
}

/** Data describing what the fake does with one request; `writeFakeResponse` carries it out. */
export type FakeResponse = FakeReply | FakeHang | FakeDestroy;
