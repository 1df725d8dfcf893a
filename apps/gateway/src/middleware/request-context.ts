import { randomUUID } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";

const CALL_ID = "x-litellm-call-id";

/**
 * Gives every request a call id (honouring a client-sent `x-litellm-call-id`) and a start
 * time, and echoes the id back so logs and clients can be matched up.
 *
 * The echo is set before the handler runs (hono puts it on responses built with `c.json` /
 * `c.body`); the model routes put it in the headers of the Response they build. Only errors
 * and not-found answers get it afterwards. Setting a header on a finished response makes hono
 * rebuild it as a full web Response, which @hono/node-server then writes through a stream
 * reader instead of its direct path: too dear to do for every request.
 */
export const requestContext = createMiddleware<GatewayEnv>(async (c, next) => {
  const callId = c.req.header(CALL_ID) || randomUUID();
  c.set("callId", callId);
  c.set("startedAt", performance.now());
  c.header(CALL_ID, callId);
  await next();
  if (c.error !== undefined || c.res.status >= 400) c.header(CALL_ID, callId);
});
