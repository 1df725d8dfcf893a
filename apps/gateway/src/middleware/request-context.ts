import { randomUUID } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * Gives every request a call id (honouring a client-sent `x-litellm-call-id`) and a start
 * time, and echoes the id back so logs and clients can be matched up.
 */
export const requestContext = createMiddleware<GatewayEnv>(async (c, next) => {
  const callId = c.req.header("x-litellm-call-id") || randomUUID();
  c.set("callId", callId);
  c.set("startedAt", performance.now());
  await next();
  c.header("x-litellm-call-id", callId);
});
