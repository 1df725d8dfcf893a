import type { EmbeddingCallResult, EmbeddingRequest } from "@org/core";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { AttemptHandle } from "./attempt.ts";
import { secretsOf } from "./attempt.ts";
import { AttemptGuard } from "./attempt-guard.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

/**
 * One embeddings call to one deployment under its `timeout` (else the router's), which the call
 * enforces: it aborts the upstream and rejects with a TimeoutError on expiry.
 */
export async function embeddingAttempt(
  rt: Runtime,
  state: RequestState,
  attempt: AttemptHandle,
  request: EmbeddingRequest,
): Promise<EmbeddingCallResult> {
  const { deployment } = attempt;
  const { ctx } = state;
  const timeoutMs = deployment.timeoutMs ?? rt.settings.timeoutMs;
  const guard = new AttemptGuard(ctx.signal);
  try {
    const result = await guard.wait(
      rt.callEmbedding({
        registry: rt.registry,
        deployment: deployment.target,
        request,
        callId: ctx.callId,
        transport: rt.transport,
        abortController: guard.controller,
        // Made only if the call function reads it: @org/core's does not when handed
        // `abortController` (no AbortController per attempt).
        get signal() {
          return guard.signal;
        },
        timeoutMs,
      }),
    );
    const now = rt.clock.now();
    ctx.timings.firstToken ??= now;
    attempt.succeed({
      tokens: result.response.usage.total_tokens,
      latencySample: now - attempt.startedAt,
    });
    return result;
  } catch (thrown) {
    const error = toGatewayError(guard.reason ?? thrown, secretsOf(deployment));
    guard.stop(error);
    throw error;
  } finally {
    guard.dispose();
  }
}
