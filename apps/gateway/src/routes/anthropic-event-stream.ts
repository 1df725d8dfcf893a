import { anthropic, type ChatStreamPart } from "@org/core";
import { toGatewayError } from "../http/error-response.ts";
import { settled } from "../http/sse-encoder.ts";
import { anthropicErrorBody } from "./anthropic-error-response.ts";

const encoder = new TextEncoder();

/** Anthropic's SSE framing: the event name, then its JSON (whose `type` is the same name). */
export function anthropicFrame(event: anthropic.AnthropicSseEvent): Uint8Array {
  return encoder.encode(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/**
 * The router's chat stream parts as Anthropic Messages SSE. Passthrough `raw` bytes are
 * ignored: they are OpenAI chat SSE, not what this client speaks. A failure after the headers
 * went out becomes Anthropic's own mid-stream `error` event, then the stream ends, so the client
 * sees an error instead of waiting.
 */
export function anthropicEventStream(options: {
  parts: AsyncIterable<ChatStreamPart>;
  onClose: () => void;
  /** Awaited before the stream's last events, e.g. until the request's spend is journaled. */
  beforeEnd?: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const events = anthropic.createOpenAIToAnthropicStreamEncoder();
  const iterator = options.parts[Symbol.asyncIterator]();
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    options.onClose();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Read until there is something to send: a pull that enqueues nothing is not called
        // again, and many chunks (role-only, finish) complete no Anthropic event.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            await options.beforeEnd?.();
            for (const event of events.finish()) controller.enqueue(anthropicFrame(event));
            controller.close();
            finish();
            return;
          }
          const out = next.value.chunks.flatMap((chunk) => events.encode(chunk));
          for (const event of out) controller.enqueue(anthropicFrame(event));
          if (out.length > 0) return;
        }
      } catch (error) {
        const { error: detail } = anthropicErrorBody(toGatewayError(error));
        for (const event of events.error(detail)) controller.enqueue(anthropicFrame(event));
        // The partial answer is charged: its spend is journaled before the stream closes.
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
