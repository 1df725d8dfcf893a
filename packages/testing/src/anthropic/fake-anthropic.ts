import { routes } from "../fake-server/routes.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { anthropicAuth } from "./anthropic-auth.ts";
import { anthropicError } from "./anthropic-error.ts";
import { countTokensResponder } from "./count-tokens-responder.ts";
import { messagesResponder, type MessagesResponderOptions } from "./messages-responder.ts";

export interface FakeAnthropicOptions extends MessagesResponderOptions {
  /**
   * When set, every request (scripted ones too) needs this key in `x-api-key` (or as an OAuth
   * Bearer token). A key and `anthropic-version` are always required, as upstream.
   */
  apiKey?: string;
  port?: number;
}

/**
 * A fake Anthropic Messages API on 127.0.0.1: `POST /v1/messages` (JSON or SSE) and
 * `POST /v1/messages/count_tokens`. Use its `url` as the deployment's `api_base`; script answers
 * with `fake.enqueue(json(anthropicMessage(...)))`, `sse(anthropicStreamEvents(...))` or the
 * `anthropic*Error` builders.
 */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeServer> {
  const handler = routes(
    {
      "POST /v1/messages": messagesResponder(options),
      "POST /v1/messages/count_tokens": countTokensResponder(),
    },
    () => anthropicError(404, { message: "Not Found" }),
  );
  const serverOptions: FakeServerOptions = { authorize: anthropicAuth(options.apiKey) };
  if (options.port !== undefined) serverOptions.port = options.port;
  return startFakeServer(handler, serverOptions);
}
