import type { StreamFraming } from "../provider/adapter.ts";
import type { DecodedRead } from "./decoded-read.ts";
import { decodeAwsEventStream } from "./aws-eventstream-decoder.ts";
import { decodeNdjson } from "./ndjson-decoder.ts";
import { decodeSse } from "./sse-decoder.ts";

export type StreamDecoder = (source: AsyncIterable<Uint8Array>) => AsyncGenerator<DecodedRead>;

/**
 * The decoder for an adapter's `streamFraming`. Throws for a framing without a decoder, so a
 * caller can fail before it sends anything upstream.
 */
export function streamDecoderFor(framing: StreamFraming): StreamDecoder {
  switch (framing) {
    case "sse":
      return decodeSse;
    case "ndjson":
      return decodeNdjson;
    case "aws-eventstream":
      return decodeAwsEventStream;
  }
}
