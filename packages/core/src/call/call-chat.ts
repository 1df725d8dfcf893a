import { InvalidRequestError } from "../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { RequestContext } from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";
import type { ProviderRegistry } from "../provider/registry.ts";
import { resolveMockOptions } from "../providers/mock/mock-options.ts";
import { mockProvider } from "../providers/mock/mock-provider.ts";
import { sharedMockTransport } from "../providers/mock/shared-mock-transport.ts";
import { streamDecoderFor } from "../stream/decode-stream.ts";
import type { Transport } from "../transport/transport.ts";
import { applyUnsupportedParams } from "./apply-unsupported-params.ts";
import type { CallAbort } from "./call-abort.ts";
import { buildUnderDeadline } from "./build-under-deadline.ts";
import { callTimeoutError, firstChunkTimeoutError } from "./call-timeout-error.ts";
import { createCallController, type CallController } from "./call-controller.ts";
import type { ChatCallResult } from "./call-result.ts";
import { createChatStreamParts } from "./chat-stream-parts.ts";
import { raceSignal } from "./race-signal.ts";
import { readUpstreamResponse, sendSignal } from "./read-upstream-response.ts";
import { resolveAdapter } from "./resolve-adapter.ts";
import { toCallError } from "./to-call-error.ts";

export interface CallChatOptions {
  registry: ProviderRegistry;
  deployment: ProviderDeployment;
  request: ChatCompletionRequest;
  callId: string;
  transport: Transport;
  signal?: AbortSignal;
  /**
   * A controller this call alone may abort, already following the caller's signal (the router's
   * attempt guard hands its CallAbort): the call's deadlines and clean-ups abort it directly
   * rather than a controller of the call's own that listens to `signal`. `signal`, if also
   * given, must be its signal, and is then never read (so a caller may make it lazily).
   */
  abortController?: CallAbort | AbortController;
  /** Non-streamed: the whole call. Streamed, without `streamTimeoutMs`: until the first chunk. */
  timeoutMs?: number;
  /**
   * Streamed: from the start of the call until the first chunk (as LiteLLM's `stream_timeout`
   * replaces `timeout` for streams), then the longest wait between two chunks.
   */
  streamTimeoutMs?: number;
}

/**
 * One chat call to one deployment: no retries, no fallbacks (those are the router's).
 *
 * A `mock_response` (or any mock setting, or a `mock/` deployment) answers from the in-memory
 * mock instead of the deployment's upstream. Otherwise the adapter builds the request, the
 * transport sends it, a non-2xx answer is thrown as the adapter's mapped error, and the answer
 * is parsed or returned as a stream of parts.
 *
 * The call owns its deadlines (the router only computes them per attempt): one timer at a time,
 * from before the request is built until the answer (or the first chunk), then the stream's idle
 * timer. A deadline aborts the call's signal, which closes the upstream connection.
 */
export async function callChat(options: CallChatOptions): Promise<ChatCallResult> {
  const { deployment, callId } = options;
  const mocked = resolveMockOptions(deployment, options.request) !== undefined;
  const adapter = mocked ? mockProvider : resolveAdapter(options.registry, deployment);
  const transport = mocked ? sharedMockTransport() : options.transport;
  const chat = adapter.chat;
  if (chat === undefined) {
    throw new InvalidRequestError(`Provider "${adapter.id}" does not support chat completions`, {
      param: "model",
      provider: adapter.id,
    });
  }
  const request = applyUnsupportedParams(options.request, adapter, deployment);
  const ctx: RequestContext = { request, deployment, callId };
  const stream = request.stream === true;
  // Fails before anything is sent when the framing has no decoder yet.
  const decode = stream ? streamDecoderFor(chat.streamFraming) : undefined;
  const provider = deployment.provider;

  const controller =
    options.abortController === undefined
      ? createCallController(options.signal)
      : createCallController(undefined, options.abortController);
  const deadlineMs = stream ? (options.streamTimeoutMs ?? options.timeoutMs) : options.timeoutMs;
  controller.startTimer(deadlineMs, () =>
    stream ? firstChunkTimeoutError(provider, deadlineMs) : callTimeoutError(provider, deadlineMs),
  );
  const built = buildUnderDeadline(() => chat.buildRequest(ctx), controller);
  // Most adapters build synchronously: no await (and no microtask) for those.
  const upstreamRequest = built instanceof Promise ? await built : built;
  const passthrough = chat.isPassthrough?.(ctx) ?? false;

  if (decode === undefined) {
    try {
      const response = await readUpstreamResponse(
        transport,
        upstreamRequest,
        controller,
        deadlineMs,
      );
      if (response.status < 200 || response.status >= 300) {
        throw adapter.mapError(response, deployment);
      }
      const completion = chat.parseResponse(response, ctx);
      return {
        kind: "response",
        completion,
        ...(passthrough ? { rawBody: response.body } : {}),
        upstreamHeaders: response.headers,
      };
    } catch (error) {
      throw toCallError(error, controller.callAbort, provider);
    } finally {
      controller.dispose();
    }
  }

  let headersReceived = false;
  try {
    const response = await raceSignal(
      transport.send(upstreamRequest, {
        signal: sendSignal(transport, controller),
        // Our own timer enforces the deadline; the transport's are lifted to match.
        ...(deadlineMs === undefined ? {} : { headersTimeoutMs: deadlineMs }),
        ...(options.streamTimeoutMs === undefined
          ? {}
          : { bodyTimeoutMs: options.streamTimeoutMs }),
      }),
      controller.callAbort,
    );
    if (response.status < 200 || response.status >= 300) {
      // The error body is read under the same deadline as the headers.
      const body = await raceSignal(response.text(), controller.callAbort);
      throw adapter.mapError(
        { status: response.status, headers: response.headers, body },
        deployment,
      );
    }
    // The deadline runs on until the first chunk: the parts clear it when they yield one.
    headersReceived = true;
    return {
      kind: "stream",
      passthrough,
      upstreamHeaders: response.headers,
      parts: createChatStreamParts({
        body: response.body,
        ...(response.signalEndsBody === true ? { signalEndsBody: true } : {}),
        decode,
        transformer: chat.createStreamTransformer(ctx),
        passthrough,
        controller,
        ...(options.streamTimeoutMs === undefined
          ? {}
          : { streamTimeoutMs: options.streamTimeoutMs }),
        provider,
      }),
    };
  } catch (error) {
    throw toCallError(error, controller.callAbort, provider);
  } finally {
    // From here on the parts iterator owns the controller and disposes of it.
    if (!headersReceived) disposeFailed(controller);
  }
}

function disposeFailed(controller: CallController): void {
  controller.abort(new DOMException("The call failed", "AbortError"));
  controller.dispose();
}
