import type { FakeReply, SplitWrites } from "./fake-response.ts";
import { reply, type ReplyOptions } from "./reply.ts";

export interface BinaryStreamOptions extends Omit<ReplyOptions, "splitWrites"> {
  /** `"per-event"` (default) writes one frame per write; lines mean nothing in binary. */
  splitWrites?: Exclude<SplitWrites, "mid-line">;
}

/**
 * A chunked binary stream, one frame per element (e.g. `application/vnd.amazon.eventstream`
 * frames for a Bedrock fake). Pass `contentType`; the default is `application/octet-stream`.
 */
export function binaryStream(
  frames: readonly Uint8Array[],
  options: BinaryStreamOptions = {},
): FakeReply {
  return reply(frames, options, {
    contentType: "application/octet-stream",
    contentLength: false,
    splitWrites: "per-event",
  });
}
