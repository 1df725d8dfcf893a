import type { ServerResponse } from "node:http";
import { abortableSleep } from "./abortable-sleep.ts";
import type { FakeResponse } from "./fake-response.ts";

/**
 * Carries out a `FakeResponse` on a live response. Stops quietly when `signal` aborts (client
 * gone or fake closing). `markIntentionalClose` is called before the fake itself tears the
 * connection down, so that close is not recorded as a client abort.
 */
export async function writeFakeResponse(
  res: ServerResponse,
  response: FakeResponse,
  signal: AbortSignal,
  markIntentionalClose: () => void,
): Promise<void> {
  switch (response.kind) {
    case "hang":
      await abortableSleep(Infinity, signal);
      return;
    case "destroy":
      markIntentionalClose();
      resetSocket(res);
      return;
    case "reply":
      break;
  }

  res.writeHead(response.status, response.headers as Record<string, string | string[]>);
  // Headers go out now, so a client sees the status even if the body is delayed or never comes.
  res.flushHeaders();

  let first = true;
  for (const part of response.writes) {
    const wait = first ? response.firstByteDelayMs : response.delayMs;
    first = false;
    if (wait > 0 && !(await abortableSleep(wait, signal))) return;
    if (!(await writeAndFlush(res, part, signal))) return;
  }
  if (first && response.firstByteDelayMs > 0) {
    if (!(await abortableSleep(response.firstByteDelayMs, signal))) return;
  }

  switch (response.endWith) {
    case "close":
      res.end();
      return;
    case "hang":
      await abortableSleep(Infinity, signal);
      return;
    case "destroy":
      markIntentionalClose();
      // A plain destroy (FIN, not RST) so the bytes already written still reach the client,
      // which then sees the body end early.
      res.socket?.destroy();
      return;
  }
}

/**
 * Resolves once the bytes are handed to the kernel, so consecutive writes leave as separate
 * TCP segments (and separate HTTP chunks) instead of being coalesced in Node's buffer.
 */
function writeAndFlush(
  res: ServerResponse,
  part: Uint8Array,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    res.write(part, (error) => {
      signal.removeEventListener("abort", onAbort);
      resolve(!error);
    });
  });
}

function resetSocket(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}
