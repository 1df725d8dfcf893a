import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { Logger } from "@org/observability";
import type { GatewayEnv } from "../gateway-env.ts";
import { createPump, type StreamPumpOptions } from "./stream-pump.ts";

/**
 * What a route returns once it writes its answer to Node's response itself: @hono/node-server
 * sends nothing for a bodiless Response with this header (its `RESPONSE_ALREADY_SENT`). It must
 * be a native (undici) Response: node-server's lightweight one, which is what `new Response`
 * makes once a server has started, takes another path that would answer again on top of the
 * stream. `clone()` gives a native one in either case, whatever the import order.
 */
export const ALREADY_SENT: Response = new Response(null, {
  headers: { "x-hono-already-sent": "true" },
}).clone();

/** Node's response for this request, where there is one (not under `app.request()` in tests). */
export function nodeResponse(c: Context<GatewayEnv>): ServerResponse | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.outgoing;
}

/**
 * Writes a stream pump straight to Node's response (issue 22). Through a web ReadableStream,
 * each streamed answer paid for constructing the stream (Node 20 makes every one transferable,
 * ~15 µs), a promise per chunk on each side of its reader, and @hono/node-server's
 * `flushHeaders()`: a socket write of its own for the headers just before the first event (in
 * the profiles the largest single cost of a streamed request on this VM, ~50 µs). The router
 * answers a stream at its first chunk, so the first event is at hand: the headers go out with
 * it, in one write, and each later step is one `write`. A full socket buffer waits for `drain`.
 *
 * Runs on its own once started; never rejects. A client that goes away cancels the pump (the
 * upstream read stops), and the pump's `onClose` runs once however the stream ends.
 */
export async function writeStreamToNode<Event>(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  options: StreamPumpOptions<Event>,
  logger: Pick<Logger, "error">,
): Promise<void> {
  const pump = createPump(options);
  let ended = false;
  let gone = false;
  /** Ends a wait for `drain` when the client goes. */
  let wake: (() => void) | undefined;
  const onGone = () => {
    if (ended || gone) return;
    gone = true;
    wake?.();
    pump.cancel().catch(() => {
      // The upstream read failed on its way out: nothing more to stop.
    });
  };
  // `error` too, every one of them (`on`): an error event with no listener takes the process down.
  res.once("close", onGone);
  res.on("error", onGone);
  // A pipelined answer queued behind another has no socket yet, and Node never closes it when
  // the connection goes: its writes fill Node's buffer, the wait for `drain` never ended, and
  // the stream held its in-flight slot and its upstream call forever. Its connection's close says.
  const queuedOn = res.socket ? undefined : res.req?.socket;
  const unwatch = queuedOn ? onConnectionClose(queuedOn, onGone) : undefined;
  let headersLater: NodeJS.Immediate | undefined;
  try {
    if (res.destroyed || queuedOn?.destroyed) {
      onGone();
      return;
    }
    res.writeHead(status, headers);
    // The first event is usually at hand (read in microtasks): the headers go out with it. When
    // it is not (a /v1/completions stream's role-only first chunk completes no event, and a
    // model may think a while before its first token), the headers go out now, as before issue
    // 22: a client's timeout for the answer's headers (the SDKs') must not run into the model's.
    headersLater = setImmediate(() => {
      headersLater = undefined;
      if (!res.destroyed && !res.writableEnded) res.flushHeaders();
    });
    for (;;) {
      const step = await pump.next();
      if (headersLater !== undefined) {
        clearImmediate(headersLater);
        headersLater = undefined;
      }
      if (gone) {
        pump.done();
        return;
      }
      let writable = true;
      for (const chunk of step.chunks) writable = res.write(chunk);
      if (step.last) {
        ended = true;
        res.end();
        pump.done();
        return;
      }
      if (!writable && !gone) {
        await drainedOrGone(res, (go) => (wake = go));
        wake = undefined;
      }
    }
  } catch (error) {
    // Not the upstream's failure (the pump turns those into error events): a write Node refused.
    logger.error("streamed answer could not be written; connection closed", {
      error: String(error),
    });
    onGone();
    res.destroy();
  } finally {
    if (headersLater !== undefined) clearImmediate(headersLater);
    unwatch?.();
    res.off("close", onGone);
    res.off("error", onGone);
  }
}

/** Resolves at `drain`, or when `onGone` calls the function handed to `wakeOn` (the client went). */
function drainedOrGone(res: ServerResponse, wakeOn: (go: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      res.off("drain", go);
      resolve();
    };
    res.on("drain", go);
    wakeOn(go);
  });
}

/** Per connection: what to call when it closes (one listener however many answers wait on it). */
const closeWatchers = new WeakMap<Socket, Set<() => void>>();

function onConnectionClose(socket: Socket, callback: () => void): () => void {
  let callbacks = closeWatchers.get(socket);
  if (callbacks === undefined) {
    const watching = new Set<() => void>();
    callbacks = watching;
    closeWatchers.set(socket, watching);
    socket.once("close", () => {
      closeWatchers.delete(socket);
      for (const call of watching) call();
    });
  }
  callbacks.add(callback);
  const registered = callbacks;
  return () => registered.delete(callback);
}
