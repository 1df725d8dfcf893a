import type { ChatStreamPart, InboundFormat, InboundStreamEncoder } from "@org/core";
import { visibleError } from "../http/error-response.ts";

/**
 * The one stream pump: the router's chat stream parts out as the client's format's events. Every
 * format's stream follows the same rules, kept here once:
 * - the last bytes (`[DONE]`, `message_stop`, `response.completed`) wait for `beforeEnd`, i.e.
 *   until the request's spend is journaled: a client that stops at the end marker (the Python SDK
 *   closes the response there) must not have a whole answer whose spend a crash could lose;
 * - a failure after the headers went out (upstream error, idle timeout, shutdown cut) becomes the
 *   format's own error events, after the partial answer's spend is journaled, and the stream ends
 *   without the end marker, so no client mistakes a truncated answer for a finished one;
 * - a client that goes away stops the upstream read (which aborts the upstream request);
 * - `onClose` runs exactly once however the stream ends (the in-flight slot is released).
 *
 * Passthrough parts carry the upstream's exact OpenAI SSE bytes (only for clients that speak
 * exactly that: `relaysChatBytes`), relayed unchanged; the upstream's own `[DONE]` is held like ours.
 *
 * Where the bytes go is the caller's: Node's response directly (node-stream-writer.ts, what the
 * server uses) or a web ReadableStream (`streamPump`, where there is no Node response).
 */
export interface StreamPumpOptions<Event> {
  parts: AsyncIterable<ChatStreamPart>;
  format: Pick<InboundFormat<never, Event>, "frame">;
  encoder: InboundStreamEncoder<Event>;
  /** Relay `raw` bytes (the upstream already speaks this client's SSE). */
  passthrough: boolean;
  /** Awaited before the stream's last bytes: until the request's spend is journaled. */
  beforeEnd?: () => Promise<void>;
  onClose?: () => void;
}

/** What to send next: never nothing unless it is the end. */
export interface PumpStep {
  /** One chunk of bytes per upstream read however many events: each is one socket write. */
  readonly chunks: Uint8Array[];
  /** These are the stream's last bytes; after writing them, end it and call `done()`. */
  readonly last: boolean;
}

export interface Pump {
  /** The next bytes. Never rejects: a failure comes back as the format's error events, last. */
  next(): Promise<PumpStep>;
  /** The last bytes were written (or could not be): releases what the stream held. */
  done(): void;
  /** The client went away: stop reading upstream (aborts the upstream request). */
  cancel(): Promise<void>;
}

const textEncoder = new TextEncoder();
const DONE_MARKER = "data: [DONE]";

export function createPump<Event>(options: StreamPumpOptions<Event>): Pump {
  const { encoder, format } = options;
  const iterator = options.parts[Symbol.asyncIterator]();
  /** The upstream's [DONE] (and anything after it), held until the spend is journaled. */
  let heldDone: Uint8Array | undefined;
  let closed = false;
  const done = () => {
    if (closed) return;
    closed = true;
    options.onClose?.();
  };
  const framed = (events: Iterable<Event>): Uint8Array[] => {
    let text = "";
    for (const event of events) text += format.frame(event);
    return text === "" ? [] : [textEncoder.encode(text)];
  };

  return {
    async next() {
      try {
        // Many chunks (role-only, finish, an unwanted usage chunk) complete no event: read on
        // until one does, so that every step but the last has bytes to send.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            await options.beforeEnd?.();
            if (!options.passthrough) return { chunks: framed(encoder.finish()), last: true };
            return { chunks: heldDone ? [heldDone] : [], last: true };
          }
          const part = next.value;
          if (options.passthrough && part.raw) {
            const at = heldDone ? 0 : doneIndex(part.raw);
            if (at < 0) return { chunks: [part.raw], last: false };
            heldDone = heldDone ? concat(heldDone, part.raw) : part.raw.subarray(at);
            if (at > 0) return { chunks: [part.raw.subarray(0, at)], last: false };
            continue;
          }
          let text = "";
          for (const chunk of part.chunks) {
            for (const event of encoder.encode(chunk)) text += format.frame(event);
          }
          if (text !== "") return { chunks: [textEncoder.encode(text)], last: false };
        }
      } catch (error) {
        // Headers are already sent: the client gets the format's error events, then the stream
        // ends. The upstream read is ended first (a no-op when it is what failed; when our own
        // encoding failed, it stops the upstream call and lets the request settle), then the
        // partial answer is charged: its spend is journaled before the stream closes.
        let chunks: Uint8Array[] = [];
        try {
          chunks = framed(encoder.fail(visibleError(error)));
        } catch {
          // The format could not describe the failure: the stream ends without its error event.
        }
        await returnQuietly(iterator);
        await settledQuietly(options.beforeEnd);
        return { chunks, last: true };
      }
    },
    done,
    async cancel() {
      done();
      await iterator.return?.();
    },
  };
}

/** The pump as a web ReadableStream, for where there is no Node response to write to. */
export function streamPump<Event>(options: StreamPumpOptions<Event>): ReadableStream<Uint8Array> {
  const pump = createPump(options);
  return new ReadableStream<Uint8Array>({
    // A pull must enqueue something or finish: the stream does not call pull again on its own
    // when a pull enqueued nothing (every step but the last has bytes).
    async pull(controller) {
      const step = await pump.next();
      for (const chunk of step.chunks) controller.enqueue(chunk);
      if (step.last) {
        controller.close();
        pump.done();
      }
    },
    cancel: () => pump.cancel(),
  });
}

/** Where an upstream's `data: [DONE]` starts in a passthrough read, or -1. */
function doneIndex(raw: Uint8Array): number {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).indexOf(DONE_MARKER);
}

async function returnQuietly(iterator: AsyncIterator<ChatStreamPart>) {
  try {
    await iterator.return?.();
  } catch {
    // The upstream read failed on its way out: nothing more to stop.
  }
}

/** Awaits `beforeEnd` on a failed stream; its own failure is the journal's to log. */
async function settledQuietly(beforeEnd: (() => Promise<void>) | undefined) {
  try {
    await beforeEnd?.();
  } catch {
    // Nothing to add: the error event is already on its way.
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
