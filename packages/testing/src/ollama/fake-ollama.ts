import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { rawBody } from "../fake-server/raw-body.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { routes } from "../fake-server/routes.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { chatResponder, type OllamaChatResponderOptions } from "./chat-responder.ts";
import { embedResponder } from "./embed-responder.ts";
import { ollamaUnauthorizedError } from "./ollama-error.ts";

export interface FakeOllamaOptions extends OllamaChatResponderOptions {
  /** When set, requests need `Authorization: Bearer <apiKey>` (ollama.com or a proxy); a local server needs none. */
  apiKey?: string;
  /** Embedding length when the request has no `dimensions` (default 8). */
  embeddingDimensions?: number;
  port?: number;
}

/**
 * A fake Ollama server on 127.0.0.1: `POST /api/chat` (NDJSON stream by default),
 * `POST /api/embed`, `GET /api/tags`, `GET /api/version`. Unknown paths get gin's plain-text
 * `404 page not found`. Use its `url` as the deployment's `api_base`.
 */
export function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeServer> {
  const models = options.models ?? ["llama3.2:latest"];
  const handler = routes(
    {
      "POST /api/chat": chatResponder(options),
      "POST /api/embed": embedResponder(options.embeddingDimensions, options.models),
      "GET /api/tags": json({
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: "2025-03-01T12:00:00.000000000Z",
          size: 2019393189,
          digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
          details: {
            format: "gguf",
            family: "llama",
            parameter_size: "3.2B",
            quantization_level: "Q4_K_M",
          },
        })),
      }),
      "GET /api/version": json({ version: "0.12.0" }),
    },
    rawBody("404 page not found", { status: 404 }),
  );
  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (options.apiKey !== undefined) serverOptions.authorize = bearerAuth(options.apiKey);
  return startFakeServer(handler, serverOptions);
}

function bearerAuth(apiKey: string) {
  return (req: RecordedRequest): FakeResponse | undefined =>
    req.headers["authorization"] === `Bearer ${apiKey}` ? undefined : ollamaUnauthorizedError();
}
