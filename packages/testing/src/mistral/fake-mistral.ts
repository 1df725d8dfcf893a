import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { routes } from "../fake-server/routes.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import {
  mistralChatResponder,
  type MistralChatResponderOptions,
} from "./mistral-chat-responder.ts";
import { mistralEmbeddingsResponder } from "./mistral-embeddings-responder.ts";
import { mistralError, mistralUnauthorizedError } from "./mistral-error.ts";

export interface FakeMistralOptions extends MistralChatResponderOptions {
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Embedding length when the request has no `output_dimension` (default 1024). */
  embeddingDimensions?: number;
  port?: number;
}

/**
 * A fake Mistral API on 127.0.0.1 (`api_base` = its `url` + `/v1`): chat completions and
 * embeddings with Mistral's strict validation, stream shape (whole tool calls without index,
 * usage on the finish chunk) and error bodies.
 */
export function startFakeMistral(options: FakeMistralOptions = {}): Promise<FakeServer> {
  const handler = routes(
    {
      "POST /v1/chat/completions": mistralChatResponder(options),
      "POST /v1/embeddings": mistralEmbeddingsResponder(options.embeddingDimensions),
    },
    () => mistralError(404, { message: "Not Found", type: "not_found" }),
  );
  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  const apiKey = options.apiKey;
  if (apiKey !== undefined) {
    serverOptions.authorize = (req: RecordedRequest): FakeResponse | undefined =>
      req.headers.authorization === `Bearer ${apiKey}` ? undefined : mistralUnauthorizedError();
  }
  return startFakeServer(handler, serverOptions);
}
