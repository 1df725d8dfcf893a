import { routes } from "../fake-server/routes.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { chatResponder, type CohereChatResponderOptions } from "./chat-responder.ts";
import { cohereBearerAuth } from "./cohere-auth.ts";
import { cohereError } from "./cohere-error.ts";
import { embedResponder } from "./embed-responder.ts";

export interface FakeCohereOptions extends CohereChatResponderOptions {
  /** When set, every request (scripted ones too) needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Embedding length when the request has no `output_dimension` (default 8). */
  embeddingDimensions?: number;
  port?: number;
}

/**
 * A fake Cohere v2 API on 127.0.0.1: `POST /v2/chat` (JSON, or SSE with `event:` names when
 * `stream: true`) and `POST /v2/embed`. Use its `url` as the deployment's `api_base`.
 */
export function startFakeCohere(options: FakeCohereOptions = {}): Promise<FakeServer> {
  const handler = routes(
    {
      "POST /v2/chat": chatResponder(options),
      "POST /v2/embed": embedResponder(options.embeddingDimensions),
    },
    cohereError(404, "404 page not found", { withoutId: true }),
  );
  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (options.apiKey !== undefined) serverOptions.authorize = cohereBearerAuth(options.apiKey);
  return startFakeServer(handler, serverOptions);
}
