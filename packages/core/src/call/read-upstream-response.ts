import type { UpstreamRequest, UpstreamResponse } from "../provider/adapter.ts";
import type { Transport } from "../transport/transport.ts";
import type { CallController } from "./call-controller.ts";
import { raceSignal } from "./race-signal.ts";

/**
 * Sends a request and reads the whole answer (non-streamed calls and error bodies).
 * The controller's timer covers both the wait for headers and the body read.
 */
export async function readUpstreamResponse(
  transport: Transport,
  request: UpstreamRequest,
  controller: CallController,
  timeoutMs: number | undefined,
): Promise<UpstreamResponse> {
  const abort = controller.callAbort;
  const response = await raceSignal(
    transport.send(request, {
      signal: sendSignal(transport, controller),
      // Our own timer enforces the whole-call deadline; handing the same value to the
      // transport also lifts its defaults (undici: 300 s) for calls allowed to run longer.
      // Undefined means unset (TransportOptions); plain properties, no spread per call.
      headersTimeoutMs: timeoutMs,
      bodyTimeoutMs: timeoutMs,
    }),
    abort,
  );
  const body =
    response.signalEndsBody === true
      ? await response.text()
      : await raceSignal(response.text(), abort);
  return { status: response.status, headers: response.headers, body };
}

/**
 * The signal to hand to `transport`: the call's CallAbort itself when the transport takes one
 * (undici's does), else a real AbortSignal following it (made now, on demand).
 */
export function sendSignal(transport: Transport, controller: CallController): AbortSignal {
  return transport.takesAbortLike === true
    ? (controller.callAbort as unknown as AbortSignal)
    : controller.signal;
}
