import { routes } from "../fake-server/routes.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import {
  chatCompletionsResponder,
  type ChatCompletionsResponderOptions,
} from "./chat-completions-responder.ts";
import { embeddingsResponder } from "./embeddings-responder.ts";
import {
  DEFAULT_FAKE_MODELS,
  listModelsResponder,
  retrieveModelResponder,
} from "./models-responder.ts";
import { openaiBearerAuth } from "./openai-bearer-auth.ts";
import { openaiError } from "./openai-error.ts";
import { createOpenAIHeaders, type OpenAIRateLimitConfig } from "./openai-rate-limits.ts";

export interface FakeOpenAIOptions extends ChatCompletionsResponderOptions {
  /** When set, every request (scripted ones too) needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Ids served by `/v1/models`. */
  models?: readonly string[];
  /** Embedding length when the request has no `dimensions` (default 8). */
  embeddingDimensions?: number;
  /** Limits reported in `x-ratelimit-*` headers; `false` leaves those headers out. */
  rateLimits?: OpenAIRateLimitConfig | false;
  port?: number;
}

/**
 * A fake OpenAI API on 127.0.0.1. Routes answer with and without the `/v1` prefix, because
 * deployments' `api_base` values come both ways.
 */
export function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeServer> {
  const headersFor = createOpenAIHeaders(options.rateLimits ?? {});
  const models = options.models ?? DEFAULT_FAKE_MODELS;
  const chat = chatCompletionsResponder(headersFor, options);
  const embeddings = embeddingsResponder(headersFor, { dimensions: options.embeddingDimensions });
  const listModels = listModelsResponder(models);
  const retrieveModel = retrieveModelResponder(models);
  const handler = routes(
    {
      "POST /v1/chat/completions": chat,
      "POST /chat/completions": chat,
      "POST /v1/embeddings": embeddings,
      "POST /embeddings": embeddings,
      "GET /v1/models": listModels,
      "GET /models": listModels,
      "GET /v1/models/*": retrieveModel,
      "GET /models/*": retrieveModel,
    },
    (req) =>
      openaiError(404, { message: `Invalid URL (${req.method} ${req.pathname})`, code: null }),
  );
  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (options.apiKey !== undefined) serverOptions.authorize = openaiBearerAuth(options.apiKey);
  return startFakeServer(handler, serverOptions);
}
