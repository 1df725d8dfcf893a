import { TimeoutError } from "../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { ChatStreamTransformer } from "../provider/adapter.ts";
import type { DecodedRead } from "../stream/decoded-read.ts";
import { NO_BYTES } from "../stream/decoded-read.ts";
import type { StreamDecoder } from "../stream/decode-stream.ts";
import type { ChatStreamPart } from "./call-result.ts";
import type { CallController } from "./call-controller.ts";
import { raceSignal } from "./race-signal.ts";
import { toCallError } from "./to-call-error.ts";

export interface ChatStreamPartsOptions {
  body: AsyncIterable<Uint8Array>;
  decode: StreamDecoder;
  transformer: ChatStreamTransformer;
  /** Attach each read's bytes to its part, so the gateway can relay them unchanged. */
  passthrough: boolean;
  controller: CallController;
  /** Longest wait for the first read and between reads. */
  streamTimeoutMs?: number;
  provider: string;
}

/**
 * Turns an upstream body into `ChatStreamPart`s. Iterable once. Whatever way iteration ends
 * early (the consumer breaks, a read times out, the upstream sends an error event), the upstream
 * call is aborted so its socket is closed rather than left streaming into nobody.
 */
export function createChatStreamParts(
  options: ChatStreamPartsOptions,
): AsyncIterable<ChatStreamPart> {
  let taken = false;
  return {
    [Symbol.asyncIterator](): AsyncIterator<ChatStreamPart> {
      if (taken) throw new Error("A chat stream can be iterated only once");
      taken = true;
      const parts = generateParts(options);
      return {
        next: () => parts.next(),
        // Also reached when the consumer gives up before the first `next()`: a generator that
        // never started would skip its `finally`, so the abort happens here as well.
        return: (value?: unknown) => {
          stopUpstream(options.controller);
          return parts.return(value as undefined);
        },
        throw: (error?: unknown) => parts.throw(error),
      };
    },
  };
}

async function* generateParts(options: ChatStreamPartsOptions): AsyncGenerator<ChatStreamPart> {
  const { controller, transformer, passthrough } = options;
  let reads: AsyncGenerator<DecodedRead> | undefined;
  let completed = false;
  try {
    reads = options.decode(options.body);
    for (;;) {
      const read = await nextRead(reads, options);
      if (read.done === true) break;
      const chunks: ChatCompletionChunk[] = [];
      let failure: { error: unknown } | undefined;
      for (const event of read.value.events) {
        try {
          chunks.push(...transformer.onEvent(event));
        } catch (error) {
          failure = { error };
          break;
        }
      }
      // Chunks that precede an error event in the same read still reach the client ("text so
      // far, then the error"). A passthrough part keeps the whole read's bytes, upstream's
      // error event included: it is OpenAI's own format, which clients already understand.
      if (passthrough) yield { chunks, raw: read.value.raw };
      else if (chunks.length > 0) yield { chunks };
      if (failure !== undefined) throw failure.error;
    }
    const tail = transformer.onEnd();
    if (tail.length > 0) yield passthrough ? { chunks: tail, raw: NO_BYTES } : { chunks: tail };
    completed = true;
  } catch (error) {
    throw toCallError(error, controller.signal, options.provider);
  } finally {
    if (!completed) {
      stopUpstream(controller);
      // Not awaited: with a transport that ignores the signal a pending read never settles,
      // and this iterator must still finish.
      reads?.return(undefined).catch(() => {});
    }
    controller.dispose();
  }
}

function stopUpstream(controller: CallController): void {
  controller.abort(new DOMException("The stream consumer stopped reading", "AbortError"));
}

/**
 * The next read, or a rejection when the stream timeout or the call's signal fires first
 * (the timeout aborts the call, so both end the same way).
 */
async function nextRead(
  reads: AsyncGenerator<DecodedRead>,
  options: ChatStreamPartsOptions,
): Promise<IteratorResult<DecodedRead>> {
  const { controller, streamTimeoutMs: ms, provider } = options;
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          const message = `${provider} sent no stream data for ${ms} ms`;
          controller.abort(new TimeoutError(message, { provider }));
        }, ms);
  try {
    return await raceSignal(reads.next(), controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
