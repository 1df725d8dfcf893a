import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { respond, type Responder, type ResponderLike } from "../fake-server/responder.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import {
  checkBedrockAuth,
  verifyBedrockSignature,
  type BedrockAuthOptions,
} from "./bedrock-auth.ts";
import { bedrockError } from "./bedrock-error.ts";
import { converseResponder, type ConverseResponderOptions } from "./converse-responder.ts";
import { invokeResponder, type InvokeResponderOptions } from "./invoke-responder.ts";

export interface FakeBedrockOptions
  extends ConverseResponderOptions, InvokeResponderOptions, BedrockAuthOptions {
  /** Check the SigV4 (or Bearer) `Authorization` of every request. Default true. */
  checkAuth?: boolean;
  /** Also recompute each SigV4 signature with the secret key. Default true. */
  verifySignature?: boolean;
  port?: number;
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

/**
 * A fake bedrock-runtime on 127.0.0.1: `POST /model/{modelId}/converse`,
 * `/converse-stream` (binary `application/vnd.amazon.eventstream` frames with real CRCs) and
 * `/invoke` (Titan and Cohere embeddings). Point a deployment's `api_base` (or
 * `aws_bedrock_runtime_endpoint`) at `fake.url`, with `aws_region_name: "us-east-1"` and the
 * FAKE_AWS_* keys.
 *
 * Auth: the `Authorization` header's shape, key id, scope and date are checked before anything
 * (scripted answers too, without consuming them); the signature itself is recomputed with
 * `@smithy/signature-v4` just before each responder runs, so a request with a bad signature
 * does consume the scripted answer it would have received.
 */
export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeServer> {
  const converse = converseResponder(options);
  const invoke = invokeResponder(options);
  const handler: Responder = (req) => {
    const match = ROUTE.exec(req.pathname);
    if (req.method !== "POST" || !match) {
      return bedrockError(
        404,
        "UnknownOperationException",
        "The requested operation is not recognized by the service.",
      );
    }
    const modelId = decodeURIComponent(match[1] ?? "");
    switch (match[2]) {
      case "converse":
        return converse(req, false);
      case "converse-stream":
        return converse(req, true);
      default:
        return invoke(req, modelId);
    }
  };

  const checkAuth = options.checkAuth ?? true;
  const verify = checkAuth && (options.verifySignature ?? true);
  const verified =
    (responder: ResponderLike): Responder =>
    async (req: RecordedRequest, ctx) => {
      const denied: FakeResponse | undefined = verify
        ? await verifyBedrockSignature(req, options)
        : undefined;
      return denied ?? respond(responder, req, ctx);
    };

  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (checkAuth) serverOptions.authorize = checkBedrockAuth(options);
  const server = await startFakeServer(verified(handler), serverOptions);
  return {
    ...server,
    enqueue: (...responders) => server.enqueue(...responders.map(verified)),
    setDefault: (responder) => server.setDefault(verified(responder)),
  };
}

/** The model id a recorded request addressed (decoded), or undefined for other paths. */
export function requestedModelId(req: RecordedRequest): string | undefined {
  const match = ROUTE.exec(req.pathname);
  return match ? decodeURIComponent(match[1] ?? "") : undefined;
}
