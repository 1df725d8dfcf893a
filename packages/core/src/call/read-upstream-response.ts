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
  const { signal } = controller;
  const response = await raceSignal(
    transport.send(request, {
      signal,
      // Our own timer enforces the whole-call deadline; handing the same value to the
      // transport also lifts its defaults (undici: 300 s) for calls allowed to run longer.
      ...(timeoutMs === undefined ? {} : { headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs }),
    }),
    signal,
  );
  const body =
    response.signalEndsBody === true
      ? await response.text()
      : await raceSignal(response.text(), signal);
  return { status: response.status, headers: response.headers, body };
}
