import type { ChatCallResult, ChatCompletionRequest, ChatStreamPart, Usage } from "@org/core";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { StreamEnd } from "../streams/tracked-stream.ts";
import { trackedStream } from "../streams/tracked-stream.ts";
import type { AttemptHandle, SuccessSample } from "./attempt.ts";
import { secretsOf } from "./attempt.ts";
import { AttemptGuard } from "./attempt-guard.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

export interface ChatAttemptOptions {
  readonly request: ChatCompletionRequest;
  /** Keep every stream delta (a post-call hook wants the assembled completion). */
  readonly assemble: boolean;
  /** Called once when a stream that was handed to the caller ends, however it ends. */
  readonly onStreamEnd: (end: StreamEnd, attempt: AttemptHandle) => void;
}

/**
 * One chat call to one deployment under the router's deadlines, which the router computes per
 * attempt and the call enforces (one timer at a time, armed by @org/core's callChat):
 * - not streamed: `timeout` for the whole call;
 * - streamed: `stream_timeout` (else `timeout`) until the first chunk, then between chunks.
 * On a deadline the upstream call is aborted (its connection closed) and a TimeoutError thrown.
 * A stream resolves only once its first chunk is here, so anything failing before that is
 * retried or falls back without the client seeing it.
 */
export async function chatAttempt(
  rt: Runtime,
  state: RequestState,
  attempt: AttemptHandle,
  options: ChatAttemptOptions,
): Promise<ChatCallResult> {
  const { deployment } = attempt;
  const { ctx } = state;
  const stream = ctx.stream;
  const timeoutMs = deployment.timeoutMs ?? rt.settings.timeoutMs;
  const streamTimeoutMs = deployment.streamTimeoutMs ?? rt.settings.streamTimeoutMs ?? timeoutMs;
  const deadlineMs = stream ? streamTimeoutMs : timeoutMs;
  const guard = new AttemptGuard(ctx.signal);
  let handedOver = false;

  try {
    const result = await guard.wait(
      rt.callChat({
        registry: rt.registry,
        deployment: deployment.target,
        request: options.request,
        callId: ctx.callId,
        transport: rt.transport,
        abortController: guard.controller,
        // Made only if the call function reads it: @org/core's does not when handed
        // `abortController` (no AbortController per attempt).
        get signal() {
          return guard.signal;
        },
        timeoutMs: deadlineMs,
        streamTimeoutMs,
      }),
    );
    if (result.kind === "response") {
      const now = rt.clock.now();
      ctx.timings.firstToken ??= now;
      let chars = 0;
      for (const choice of result.completion.choices) chars += choice.message.content?.length ?? 0;
      attempt.succeed(
        sample(state, now - attempt.startedAt, result.completion.usage, chars, undefined),
      );
      return result;
    }

    const upstream = result.parts[Symbol.asyncIterator]();
    const first = await guard.wait(upstream.next());
    const firstAt = rt.clock.now();
    ctx.timings.firstToken ??= firstAt;
    const ttftMs = firstAt - attempt.startedAt;
    let parts: AsyncIterable<ChatStreamPart>;
    if (first.done === true) {
      attempt.succeed(sample(state, ttftMs, undefined, 0, ttftMs));
      options.onStreamEnd(
        {
          status: "success",
          usage: undefined,
          completionChars: 0,
          completionText: "",
          completion: undefined,
        },
        attempt,
      );
      parts = emptyParts();
    } else {
      // From here the tracked stream owns the call: the client's signal and the end (the call's
      // own idle timer still bounds the wait between chunks).
      guard.dispose();
      handedOver = true;
      // This deployment answered: whatever ends the stream now (client gone, upstream error,
      // a shutdown cut), what it delivered is priced at its rates, not left uncharged.
      state.answeredBy = deployment;
      parts = trackedStream({
        first: first.value,
        upstream,
        abortUpstream: (reason) => guard.stop(toGatewayError(reason)),
        clientSignal: ctx.signal,
        assemble: options.assemble,
        onEnd: (end) => {
          const now = rt.clock.now();
          if (end.status === "success") {
            attempt.succeed(
              sample(state, now - attempt.startedAt, end.usage, end.completionChars, ttftMs),
            );
          } else if (end.status === "cancelled") {
            attempt.cancel();
          } else if (end.error !== undefined) {
            // After the first chunk nothing is retried, but the failure still counts.
            void attempt.fail(end.error);
          }
          options.onStreamEnd(end, attempt);
        },
      });
    }
    // Built field by field: a spread followed by more properties is slow in V8.
    return {
      kind: "stream",
      parts,
      passthrough: result.passthrough,
      upstreamHeaders: result.upstreamHeaders,
    };
  } catch (thrown) {
    const error = toGatewayError(guard.reason ?? thrown, secretsOf(deployment));
    // Whatever failed, the upstream call (and its socket) goes.
    guard.stop(error);
    throw error;
  } finally {
    if (!handedOver) guard.dispose();
  }
}

/**
 * What a finished call adds to the deployment's stats: tokens for tpm (usage, else the prompt
 * estimate plus characters / 4), and LiteLLM's latency sample (ms per output token when usage is
 * known, else the whole duration).
 */
function sample(
  state: RequestState,
  durationMs: number,
  usage: Usage | undefined,
  completionChars: number,
  ttftMs: number | undefined,
): SuccessSample {
  const completionTokens = usage?.completion_tokens ?? 0;
  const tokens = usage?.total_tokens ?? state.tokens + Math.ceil(completionChars / 4);
  const latencySample = completionTokens > 0 ? durationMs / completionTokens : durationMs;
  return ttftMs === undefined
    ? { tokens, latencySample }
    : { tokens, latencySample, ttftSample: ttftMs };
}

function emptyParts(): AsyncIterable<ChatStreamPart> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => ({ value: undefined, done: true }),
    }),
  };
}
