import { InvalidRequestError } from "../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../openai/embeddings.ts";
import type { EmbeddingContext } from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";
import type { ProviderRegistry } from "../provider/registry.ts";
import { resolveMockOptions } from "../providers/mock/mock-options.ts";
import { mockProvider } from "../providers/mock/mock-provider.ts";
import { sharedMockTransport } from "../providers/mock/shared-mock-transport.ts";
import type { Transport } from "../transport/transport.ts";
import { buildUnderDeadline } from "./build-under-deadline.ts";
import type { CallAbort } from "./call-abort.ts";
import { createCallController } from "./call-controller.ts";
import type { EmbeddingCallResult } from "./call-result.ts";
import { callTimeoutError } from "./call-timeout-error.ts";
import { readUpstreamResponse } from "./read-upstream-response.ts";
import { resolveAdapter } from "./resolve-adapter.ts";
import { toCallError } from "./to-call-error.ts";

export interface CallEmbeddingOptions {
  registry: ProviderRegistry;
  deployment: ProviderDeployment;
  request: EmbeddingRequest;
  callId: string;
  transport: Transport;
  signal?: AbortSignal;
  /** As callChat's: a controller this call alone aborts, already following the caller. */
  abortController?: CallAbort | AbortController;
  /** The whole call. */
  timeoutMs?: number;
}

/** One embeddings call to one deployment; mocks and errors work as in `callChat`. */
export async function callEmbedding(options: CallEmbeddingOptions): Promise<EmbeddingCallResult> {
  const { deployment, callId } = options;
  const mocked = resolveMockOptions(deployment, options.request) !== undefined;
  const adapter = mocked ? mockProvider : resolveAdapter(options.registry, deployment);
  const transport = mocked ? sharedMockTransport() : options.transport;
  const embeddings = adapter.embeddings;
  if (embeddings === undefined) {
    throw new InvalidRequestError(`Provider "${adapter.id}" does not support embeddings`, {
      param: "model",
      provider: adapter.id,
    });
  }
  const ctx: EmbeddingContext = { request: options.request, deployment, callId };
  const provider = deployment.provider;

  // The call owns its deadline (the router only computes it), from before the request is built.
  // With a controller of its own the call never reads `signal` (a caller may make it lazily).
  const controller =
    options.abortController === undefined
      ? createCallController(options.signal)
      : createCallController(undefined, options.abortController);
  controller.startTimer(options.timeoutMs, () => callTimeoutError(provider, options.timeoutMs));
  const upstreamRequest = await buildUnderDeadline(() => embeddings.buildRequest(ctx), controller);
  try {
    const response = await readUpstreamResponse(
      transport,
      upstreamRequest,
      controller,
      options.timeoutMs,
    );
    if (response.status < 200 || response.status >= 300) {
      throw adapter.mapError(response, deployment);
    }
    return {
      response: embeddings.parseResponse(response, ctx),
      ...(embeddings.isPassthrough?.(ctx) === true ? { rawBody: response.body } : {}),
      upstreamHeaders: response.headers,
    };
  } catch (error) {
    throw toCallError(error, controller.callAbort, provider);
  } finally {
    controller.dispose();
  }
}
