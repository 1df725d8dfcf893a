import type { Context } from "hono";
import { headerValues } from "@org/core";
import type { RouterResultMeta } from "@org/router";
import type { GatewayEnv } from "../gateway-env.ts";
import { overheadHeader } from "./overhead-header.ts";

/**
 * The headers of every model route's answer: what the router and its hooks report (which
 * deployment answered, retries and fallbacks taken, `x-ratelimit-*`), the call id, and the
 * gateway's own overhead, as LiteLLM names them. A fresh object, so the route adds its
 * content-type. Every value goes through `headerValues` (percent-encoding what a header cannot
 * carry), so a model name from a config or /model/new can never make Node refuse the response.
 */
export function responseHeaders(
  c: Context<GatewayEnv>,
  result: Pick<RouterResultMeta, "headers" | "attempts">,
): Record<string, string> {
  const headers = headerValues(result.headers);
  headers["x-litellm-call-id"] = c.get("callId");
  headers["x-litellm-overhead-duration-ms"] = overheadHeader(c.get("startedAt"), result.attempts);
  return headers;
}
