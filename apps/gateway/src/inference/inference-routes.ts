import type { Handler } from "hono";
import {
  chatCompletionsFormat,
  completionsFormat,
  messagesFormat,
  responsesFormat,
  type InboundFormat,
  type InboundRequest,
} from "@org/core";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { inferenceRoute, type InferenceRouteOptions } from "./inference-route.ts";

/** One row of the route table: the paths one inbound format is served on. */
export interface InferenceRouteEntry {
  readonly paths: readonly string[];
  /** LiteLLM's call type of the route (`acompletion`, ...). */
  readonly callType: string;
  /** The format's name and error envelope (for errors raised before the route runs). */
  readonly format: Pick<InboundFormat, "name" | "errorBody">;
  readonly handler: (deps: GatewayDeps) => Handler<GatewayEnv>;
}

function entry<Request extends InboundRequest, Event>(
  format: InboundFormat<Request, Event>,
  paths: readonly string[],
  options: InferenceRouteOptions,
): InferenceRouteEntry {
  return {
    paths,
    format,
    callType: options.callType,
    handler: (deps) => inferenceRoute(deps, format, options),
  };
}

/**
 * Every inference path and the format it speaks. Adding an API the gateway serves is a format in
 * @org/core and a row here; the route, stream pump, headers and spend rules are shared.
 */
export const INFERENCE_ROUTES: readonly InferenceRouteEntry[] = [
  entry(
    chatCompletionsFormat,
    [
      "/v1/chat/completions",
      "/chat/completions",
      // Azure-style: the deployment name in the URL is the model.
      "/openai/deployments/:deployment/chat/completions",
    ],
    { modelParam: "deployment", callType: "acompletion" },
  ),
  entry(responsesFormat, ["/v1/responses", "/responses"], { callType: "aresponses" }),
  entry(completionsFormat, ["/v1/completions", "/completions"], { callType: "atext_completion" }),
  entry(messagesFormat, ["/v1/messages", "/messages"], { callType: "anthropic_messages" }),
];

/** Messages' token counter, which answers in the Messages format too. */
export const COUNT_TOKENS_PATHS = ["/v1/messages/count_tokens", "/messages/count_tokens"] as const;

const FORMAT_OF_PATH = new Map<string, Pick<InboundFormat, "errorBody">>([
  ...INFERENCE_ROUTES.flatMap((route) => route.paths.map((path) => [path, route.format] as const)),
  ...COUNT_TOKENS_PATHS.map((path) => [path, messagesFormat] as const),
]);

/**
 * The format whose envelope an error on `path` answers in, also when it is raised before any
 * route runs (no key, body too large, a malformed request): Anthropic SDK clients read only
 * Anthropic's. OpenAI's everywhere else (the management API included).
 */
export function formatOfPath(path: string): Pick<InboundFormat, "errorBody"> {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") : path;
  return FORMAT_OF_PATH.get(trimmed) ?? chatCompletionsFormat;
}
