import type { StreamEvent } from "../provider/adapter.ts";

/**
 * What a stream decoder yields for each upstream read: the events that read completed, and the
 * read's exact bytes. The bytes are kept so a passthrough stream can be relayed byte-for-byte;
 * a read may complete no event (half an event, a comment) and still carry bytes.
 */
export interface DecodedRead {
  events: StreamEvent[];
  raw: Uint8Array;
}

/** The last, byte-less read a decoder yields for an event that ended without a terminator. */
export const NO_BYTES: Uint8Array = new Uint8Array(0);
