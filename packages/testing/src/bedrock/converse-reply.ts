import { binaryStream } from "../fake-server/binary-stream.ts";
import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { bedrockRequestId } from "./bedrock-request-id.ts";
import {
  converseResponseBody,
  converseStreamFrames,
  type FakeConverseAnswer,
  type FakeStreamOptions,
} from "./converse-answer.ts";

export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** A scripted Converse answer (`POST /model/{id}/converse`). */
export function converseReply(answer: FakeConverseAnswer, options: ReplyOptions = {}): FakeReply {
  return json(converseResponseBody(answer), {
    ...options,
    headers: { "x-amzn-requestid": bedrockRequestId(), ...options.headers },
  });
}

/**
 * A scripted ConverseStream answer as real binary event-stream frames, one frame per write
 * unless `splitWrites` says otherwise (`"mid-event"` or a byte count split frames across reads).
 */
export function converseStreamReply(
  answer: FakeConverseAnswer,
  options: FakeStreamOptions &
    Omit<ReplyOptions, "splitWrites" | "contentType"> & {
      splitWrites?: "per-event" | "mid-event" | number;
    } = {},
): FakeReply {
  const { chunkSize, metadataFirst, omitMetadata, exception, truncateAfterEvents, ...reply } =
    options;
  const streamOptions: FakeStreamOptions = {};
  if (chunkSize !== undefined) streamOptions.chunkSize = chunkSize;
  if (metadataFirst !== undefined) streamOptions.metadataFirst = metadataFirst;
  if (omitMetadata !== undefined) streamOptions.omitMetadata = omitMetadata;
  if (exception !== undefined) streamOptions.exception = exception;
  if (truncateAfterEvents !== undefined) streamOptions.truncateAfterEvents = truncateAfterEvents;
  return binaryStream(converseStreamFrames(answer, streamOptions), {
    ...reply,
    contentType: EVENT_STREAM_CONTENT_TYPE,
    headers: { "x-amzn-requestid": bedrockRequestId(), ...reply.headers },
  });
}
