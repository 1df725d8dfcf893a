import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { ChatStreamTransformer } from "../provider/adapter.ts";
import type { DecodedRead } from "../stream/decoded-read.ts";
import { NO_BYTES } from "../stream/decoded-read.ts";
import type { StreamDecoder } from "../stream/decode-stream.ts";
import type { ChatStreamPart } from "./call-result.ts";
import type { CallController } from "./call-controller.ts";
import { streamIdleTimeoutError } from "./call-timeout-error.ts";
import { raceSignal } from "./race-signal.ts";
import { toCallError } from "./to-call-error.ts";

export interface ChatStreamPartsOptions {
  body: AsyncIterable<Uint8Array>;
  /** The transport fails a pending read of `body` once the call's signal aborts (see Transport). */
  signalEndsBody?: boolean;
  decode: StreamDecoder;
  transformer: ChatStreamTransformer;
  /** Attach each read's bytes to its part, so the gateway can relay them unchanged. */
  passthrough: boolean;
  controller: CallController;
  /**
   * Longest wait for the next part once the first one is out (until then the call's own
   * deadline, still running on the controller, applies).
   */
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
  const idle = createIdleTimer(options);
  let reads: AsyncGenerator<DecodedRead> | undefined;
  let completed = false;
  let first = true;
  const raceReads = options.signalEndsBody !== true;
  try {
    reads = options.decode(options.body);
    for (;;) {
      // Racing each read is the guarantee for transports that may ignore the signal; one that
      // fails its reads on abort is read directly (a listener pair and a promise per chunk less).
      const read = raceReads
        ? await raceSignal(reads.next(), controller.callAbort)
        : await reads.next();
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
      const part = passthrough
        ? { chunks, raw: read.value.raw }
        : chunks.length > 0
          ? { chunks }
          : undefined;
      if (part !== undefined) {
        if (first) {
          // The first chunk is in: the call's deadline is over, the idle timer takes over.
          first = false;
          controller.clearTimer();
        }
        // The consumer's time between two `next()` calls never counts as upstream silence.
        idle?.pause();
        yield part;
        idle?.resume();
      }
      if (failure !== undefined) throw failure.error;
    }
    const tail = transformer.onEnd();
    idle?.pause(); // the upstream is done; nothing left to wait for
    if (tail.length > 0) yield passthrough ? { chunks: tail, raw: NO_BYTES } : { chunks: tail };
    completed = true;
  } catch (error) {
    throw toCallError(error, controller.callAbort, options.provider);
  } finally {
    idle?.stop();
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

interface IdleTimer {
  /** The consumer holds a part: silence from here on is not the upstream's. */
  pause(): void;
  /** Waiting on the upstream again: a fresh idle window starts. */
  resume(): void;
  stop(): void;
}

/**
 * One timer per stream, re-armed with `refresh()` rather than one `setTimeout` per part, that
 * aborts the call when the upstream stays silent for `streamTimeoutMs` while we wait on it.
 * Not armed before the first part (the call's deadline covers that) nor without a timeout.
 */
function createIdleTimer(options: ChatStreamPartsOptions): IdleTimer | undefined {
  const { streamTimeoutMs: ms, controller, provider } = options;
  if (ms === undefined) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiting = false;
  const fire = () => {
    if (waiting) controller.abort(streamIdleTimeoutError(provider, ms));
  };
  return {
    pause() {
      waiting = false;
    },
    resume() {
      waiting = true;
      if (timer === undefined) {
        timer = setTimeout(fire, ms);
        // Node only: a stream nobody reads must not hold the process open.
        if (typeof timer === "object") timer.unref?.();
      } else if (typeof timer === "object" && typeof timer.refresh === "function") {
        timer.refresh();
      } else {
        clearTimeout(timer);
        timer = setTimeout(fire, ms);
      }
    },
    stop() {
      waiting = false;
      clearTimeout(timer);
    },
  };
}
