import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { Responder, ResponderContext } from "../fake-server/responder.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { embeddingsResponder } from "../openai/embeddings-responder.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { azureAuth } from "./azure-auth.ts";
import { azureChatResponder, type AzureChatResponderOptions } from "./azure-chat-responder.ts";
import {
  azureApiVersionNotSupportedError,
  azureDeploymentNotFoundError,
  azureResourceNotFoundError,
} from "./azure-error.ts";
import { azureResponseHeaders } from "./azure-headers.ts";

export interface FakeAzureOpenAIOptions extends AzureChatResponderOptions {
  /** Accepted in `api-key`. With neither this nor `adToken`, any request is let in. */
  apiKey?: string;
  /** An Entra ID token accepted as `Authorization: Bearer`. */
  adToken?: string;
  /**
   * Deployment name -> the model it serves (returned as `model`). When set, other deployment
   * names get Azure's 404 DeploymentNotFound; when unset every name serves `gpt-4o-2024-11-20`.
   */
  deployments?: Readonly<Record<string, string>>;
  /** Embedding length when the request has no `dimensions` (default 8). */
  embeddingDimensions?: number;
  port?: number;
}

const CLASSIC = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
const V1 = /^\/openai\/v1\/(chat\/completions|embeddings)$/;
const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const V1_VERSIONS = new Set(["preview", "latest", "v1"]);
const DEFAULT_MODEL = "gpt-4o-2024-11-20";

/**
 * A fake Azure OpenAI resource on 127.0.0.1 (use its `url` as `api_base`):
 * - `POST /openai/deployments/{deployment}/{chat/completions|embeddings}?api-version=YYYY-MM-DD[-preview]`:
 *   without `api-version` Azure's 404 "Resource not found", with a malformed one its 400;
 * - `POST /openai/v1/{chat/completions|embeddings}` (deployment name in `model`, optional
 *   `api-version=preview|latest`).
 * Auth by `api-key` (or an Entra ID Bearer token); Azure's error bodies; answers carry
 * `prompt_filter_results` / `content_filter_results` and the deployment's underlying model.
 */
export function startFakeAzureOpenAI(options: FakeAzureOpenAIOptions = {}): Promise<FakeServer> {
  const handler: Responder = (req, ctx) => {
    if (req.method !== "POST") return azureResourceNotFoundError();
    const apiVersion =
      new URL(req.path, "http://fake").searchParams.get("api-version") ?? undefined;
    const classic = CLASSIC.exec(req.pathname);
    const v1 = V1.exec(req.pathname);
    let deployment: string;
    let operation: string;
    if (classic !== null) {
      if (apiVersion === undefined) return azureResourceNotFoundError();
      if (!DATED_VERSION.test(apiVersion)) return azureApiVersionNotSupportedError();
      deployment = decodeURIComponent(classic[1] ?? "");
      operation = classic[2] ?? "";
    } else if (v1 !== null) {
      if (apiVersion !== undefined && !V1_VERSIONS.has(apiVersion)) {
        return azureApiVersionNotSupportedError();
      }
      deployment = isRecord(req.json) && typeof req.json.model === "string" ? req.json.model : "";
      operation = v1[1] ?? "";
    } else {
      return azureResourceNotFoundError();
    }
    const model = modelOf(deployment, options);
    if (model === undefined) return azureDeploymentNotFoundError();
    if (operation === "embeddings") return embeddingsFor(req, ctx, model, options);
    const chatCall = { model, apiVersion: classic ? apiVersion : undefined };
    return azureChatResponder(chatCall, options)(req);
  };
  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (options.apiKey !== undefined || options.adToken !== undefined) {
    serverOptions.authorize = azureAuth({
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.adToken === undefined ? {} : { adToken: options.adToken }),
    });
  }
  return startFakeServer(handler, serverOptions);
}

function modelOf(deployment: string, options: FakeAzureOpenAIOptions): string | undefined {
  if (deployment === "") return undefined;
  if (options.deployments === undefined) return DEFAULT_MODEL;
  return options.deployments[deployment];
}

/** OpenAI's embeddings answer, with the deployment's model in `model`. */
function embeddingsFor(
  req: RecordedRequest,
  ctx: ResponderContext,
  model: string,
  options: FakeAzureOpenAIOptions,
): FakeResponse | Promise<FakeResponse> {
  const body = isRecord(req.json) ? { ...req.json, model } : req.json;
  const responder = embeddingsResponder(azureResponseHeaders, {
    ...(options.embeddingDimensions === undefined
      ? {}
      : { dimensions: options.embeddingDimensions }),
  });
  return responder({ ...req, json: body }, ctx);
}
