import type { ChatCompletionChunk, ChatStreamPart } from "@org/core";

/**
 * Turns the router's stream parts into the bytes OpenAI puts on the wire:
 * `data: {json}\n\n` per chunk, then `data: [DONE]\n\n`. Passthrough parts carry the
 * upstream's exact bytes (including its own `[DONE]`), which are relayed unchanged; its
 * `[DONE]` waits for `beforeEnd` like ours does. A stream that fails after the headers (upstream
 * error, idle timeout, shutdown cut) ends with `data: {"error": ...}` and no `[DONE]`, so no
 * client mistakes the truncated answer for a finished one.
 */
const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");

export interface SseStreamOptions {
  parts: AsyncIterable<ChatStreamPart>;
  /** Relay `raw` bytes (upstream already speaks OpenAI SSE for this request). */
  passthrough: boolean;
  /** Keep the usage-only chunk (client asked for stream_options.include_usage). */
  includeUsage: boolean;
  /** Turns an error thrown mid-stream into the chunk payload the client sees. */
  errorPayload: (error: unknown) => unknown;
  onClose?: () => void;
  /** Awaited before the stream's last bytes, e.g. until the request's spend is journaled. */
  beforeEnd?: () => Promise<void> | undefined;
}

export function encodeChunk(chunk: ChatCompletionChunk): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);
}

function isUsageOnly(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage != null;
}

/**
 * Where an upstream's `data: [DONE]` starts in a passthrough read, or -1. Most clients stop at
 * [DONE] (the Python SDK closes the response there), so it must not leave before `beforeEnd`.
 */
function doneIndex(raw: Uint8Array): number {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).indexOf(DONE_MARKER);
}
const DONE_MARKER = "data: [DONE]";

export function sseStream(options: SseStreamOptions): ReadableStream<Uint8Array> {
  const iterator = options.parts[Symbol.asyncIterator]();
  /** The upstream's [DONE] (and anything after it), held until the spend is journaled. */
  let heldDone: Uint8Array | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    options.onClose?.();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A pull must enqueue something or finish: the stream does not call pull again on its
        // own when a pull enqueued nothing (e.g. a part holding only the dropped usage chunk).
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            await options.beforeEnd?.();
            if (!options.passthrough) controller.enqueue(DONE);
            else if (heldDone) controller.enqueue(heldDone);
            controller.close();
            finish();
            return;
          }
          const part = next.value;
          if (options.passthrough && part.raw) {
            const at = heldDone ? 0 : doneIndex(part.raw);
            if (at < 0) {
              controller.enqueue(part.raw);
              return;
            }
            heldDone = heldDone ? concat(heldDone, part.raw) : part.raw.subarray(at);
            if (at > 0) {
              controller.enqueue(part.raw.subarray(0, at));
              return;
            }
            continue;
          }
          let enqueued = false;
          for (const chunk of part.chunks) {
            if (!options.includeUsage && isUsageOnly(chunk)) continue;
            controller.enqueue(encodeChunk(chunk));
            enqueued = true;
          }
          if (enqueued) return;
        }
      } catch (error) {
        // Headers are already sent: the client gets an error event, then the stream ends. The
        // partial answer is charged too: its spend is journaled before the stream closes.
        controller.enqueue(
          encoder.encode(`data: ${JSON.stringify(options.errorPayload(error))}\n\n`),
        );
        await settled(options.beforeEnd);
        controller.close();
        finish();
      }
    },
    async cancel() {
      // The client went away: stop reading upstream (aborts the upstream request).
      finish();
      await iterator.return?.();
    },
  });
}

/** Awaits `beforeEnd` on a failed stream; its own failure is the journal's to log. */
export async function settled(beforeEnd: (() => Promise<void> | undefined) | undefined) {
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
