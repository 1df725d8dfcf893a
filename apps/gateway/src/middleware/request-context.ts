import { randomUUID } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";
import { checkClientCallId } from "../http/client-call-id.ts";

const CALL_ID = "x-litellm-call-id";

/**
 * Gives every request its own id (`requestId`, a fresh UUID: the id its spend, its budget
 * reservation and its rate-limit slot are kept under) and a call id to echo, which is the
 * client's `x-litellm-call-id` when it sent a usable one (LiteLLM echoes the client's), else the
 * request id. Spend is never keyed by the client's id: a client reusing one would otherwise be
 * charged once for many requests.
 *
 * A client id that is too long or has odd characters is not echoed; it is remembered so that
 * the model routes refuse the request with a 400 in their own envelope (see `routerCallOptions`).
 *
 * The echo is set before the handler runs (hono puts it on responses built with `c.json` /
 * `c.body`); the model routes put it in the headers of the Response they build. Only errors
 * and not-found answers get it afterwards. Setting a header on a finished response makes hono
 * rebuild it as a full web Response, which @hono/node-server then writes through a stream
 * reader instead of its direct path: too dear to do for every request.
 */
export const requestContext = createMiddleware<GatewayEnv>(async (c, next) => {
  const requestId = randomUUID();
  const sent = c.req.header(CALL_ID);
  let callId: string = requestId;
  if (sent) {
    const problem = checkClientCallId(sent);
    if (problem === undefined) {
      callId = sent;
      c.set("clientCallId", sent);
    } else {
      c.set("callIdProblem", problem);
    }
  }
  c.set("requestId", requestId);
  c.set("callId", callId);
  c.set("startedAt", performance.now());
  c.header(CALL_ID, callId);
  await next();
  if (c.error !== undefined || c.res.status >= 400) c.header(CALL_ID, callId);
});
