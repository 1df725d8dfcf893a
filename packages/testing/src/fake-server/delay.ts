import { abortableSleep } from "./abortable-sleep.ts";
import type { FakeResponse } from "./fake-response.ts";
import { hang } from "./hang.ts";
import { respond, type Responder, type ResponderLike } from "./responder.ts";

/**
 * Waits `ms` before the status line, then answers with `responder` (slow upstreams, header
 * timeouts). For a delay after the headers use a builder's `firstByteDelayMs`.
 */
export function delay(ms: number, responder: ResponderLike): Responder {
  return async (req, ctx): Promise<FakeResponse> => {
    // Aborted while waiting: the connection is gone, so there is nothing left to answer.
    if (!(await abortableSleep(ms, ctx.signal))) return hang();
    return respond(responder, req, ctx);
  };
}
