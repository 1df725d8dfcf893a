import type { FakeResponse } from "./fake-response.ts";
import type { RecordedRequest } from "./recorded-request.ts";

export interface ResponderContext {
  /** Aborts when the client disconnects or the fake closes: pass it to any wait. */
  readonly signal: AbortSignal;
}

/** Decides the response to one request. One-argument functions are fine. */
export type Responder = (
  req: RecordedRequest,
  ctx: ResponderContext,
) => FakeResponse | Promise<FakeResponse>;

/** A responder, or a fixed response when it does not depend on the request. */
export type ResponderLike = Responder | FakeResponse;

export async function respond(
  responder: ResponderLike,
  req: RecordedRequest,
  ctx: ResponderContext,
): Promise<FakeResponse> {
  return typeof responder === "function" ? responder(req, ctx) : responder;
}
