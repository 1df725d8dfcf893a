import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { Responder } from "../fake-server/responder.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { embedResponder } from "./embed-responder.ts";
import {
  generateContentResponder,
  type GenerateContentResponderOptions,
} from "./generate-content-responder.ts";
import { geminiApiKeyAuth, vertexBearerAuth } from "./google-auth.ts";
import { googleError, vertexPermissionDeniedError } from "./google-error.ts";

export interface FakeGeminiOptions extends Omit<GenerateContentResponderOptions, "flavor"> {
  /** When set, every request (scripted ones too) needs this key in `x-goog-api-key` or `?key=`. */
  apiKey?: string;
  /** Models that exist; others get Gemini's 404. Any name is accepted when unset. */
  models?: readonly string[];
  /** Embedding length when the request has no `outputDimensionality` (default: the model's). */
  embeddingDimensions?: number;
  port?: number;
}

export interface FakeVertexAiOptions extends Omit<GenerateContentResponderOptions, "flavor"> {
  /** When set, every request needs `Authorization: Bearer <accessToken>`. */
  accessToken?: string;
  /** When set, other projects in the path get Vertex's 403 PERMISSION_DENIED. */
  project?: string;
  models?: readonly string[];
  port?: number;
}

const GEMINI_PATH =
  /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;
const VERTEX_PATH =
  /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/**
 * A fake Gemini API (generativelanguage.googleapis.com) on 127.0.0.1: `POST
 * /{v1beta|v1}/models/{model}:{generateContent|streamGenerateContent|embedContent|batchEmbedContents}`.
 * Use its `url` as the deployment's `api_base`.
 */
export function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeServer> {
  const handler: Responder = (req) => {
    const match = GEMINI_PATH.exec(decodeURIComponent(req.pathname));
    if (req.method !== "POST" || match === null) return notFound(req);
    const [, version = "v1beta", model = "", method = ""] = match;
    if (options.models !== undefined && !options.models.includes(model))
      return unknownModel(model, version, method);
    if (method === "embedContent" || method === "batchEmbedContents") {
      return embedResponder(
        model,
        method === "batchEmbedContents",
        options.embeddingDimensions,
      )(req);
    }
    return generateContentResponder(callOf(req, model, method), { ...options, flavor: "gemini" })(
      req,
    );
  };
  return startFakeServer(
    handler,
    serverOptions(
      options.port,
      options.apiKey === undefined ? undefined : geminiApiKeyAuth(options.apiKey),
    ),
  );
}

/**
 * A fake Vertex AI endpoint on 127.0.0.1: `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:{generateContent|streamGenerateContent}`,
 * same body and answers as the Gemini fake, OAuth Bearer auth. Use its `url` as `api_base`.
 */
export function startFakeVertexAi(options: FakeVertexAiOptions = {}): Promise<FakeServer> {
  const handler: Responder = (req) => {
    const match = VERTEX_PATH.exec(decodeURIComponent(req.pathname));
    if (req.method !== "POST" || match === null) return notFound(req);
    const [, , project = "", location = "", model = "", method = ""] = match;
    if (options.project !== undefined && project !== options.project)
      return vertexPermissionDeniedError(project);
    if (options.models !== undefined && !options.models.includes(model)) {
      return googleError(404, {
        message: `Publisher Model \`projects/${project}/locations/${location}/publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
      });
    }
    return generateContentResponder(callOf(req, model, method), { ...options, flavor: "vertex" })(
      req,
    );
  };
  return startFakeServer(
    handler,
    serverOptions(
      options.port,
      options.accessToken === undefined ? undefined : vertexBearerAuth(options.accessToken),
    ),
  );
}

function callOf(req: RecordedRequest, model: string, method: string) {
  const stream = method === "streamGenerateContent";
  return { model, stream, sse: stream && /[?&]alt=sse(&|$)/.test(req.path) };
}

function serverOptions(
  port: number | undefined,
  authorize: ((req: RecordedRequest) => FakeResponse | undefined) | undefined,
): FakeServerOptions {
  return {
    ...(port === undefined ? {} : { port }),
    ...(authorize === undefined ? {} : { authorize }),
  };
}

function unknownModel(model: string, version: string, method: string): FakeResponse {
  return googleError(404, {
    message: `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  });
}

function notFound(req: RecordedRequest): FakeResponse {
  return googleError(404, {
    message: `The requested URL ${req.pathname} was not found on this server.`,
  });
}
