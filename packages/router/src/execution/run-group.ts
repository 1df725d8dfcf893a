import { ContextWindowExceededError, type GatewayError } from "@org/core";
import type { Deployment } from "../deployments/deployment.ts";
import type { ModelGroup } from "../deployments/model-table.ts";
import { ClientClosedError } from "../errors/client-closed-error.ts";
import { LocalRequestError } from "../errors/local-request-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import { UnknownModelError } from "../errors/unknown-model-error.ts";
import { fallbacksFor } from "../fallbacks/fallback-map.ts";
import { backoffMs } from "../retry/backoff.ts";
import { classifyError } from "../retry/error-class.ts";
import { policyRetries, retriesFor } from "../retry/retry-count.ts";
import { shouldRetry } from "../retry/should-retry.ts";
import type { AttemptHandle } from "./attempt.ts";
import { openAttempt, secretsOf } from "./attempt.ts";
import { countHealthy, pickDeployment } from "./pick-deployment.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";
import { sleep } from "./sleep.ts";

/** The most a retry waits for a cooled-down group to recover when a retry policy insists. */
const MAX_RECOVERY_WAIT_MS = 60_000;

/**
 * What one attempt does. It resolves once the answer can go to the caller (a stream: at its
 * first chunk) and must call `attempt.succeed` when the call is complete (a stream: at its end).
 * A rejection before that is the router's to count, retry and fall back from.
 */
export type RunAttempt<T> = (attempt: AttemptHandle) => Promise<T>;

/**
 * One model group with retries: pick, call, and on failure count it (maybe cooling the
 * deployment down), decide whether to retry (LiteLLM's rules), back off, pick again.
 */
export async function runGroup<T>(
  rt: Runtime,
  state: RequestState,
  group: ModelGroup,
  run: RunAttempt<T>,
): Promise<T> {
  const candidates = preCallChecks(rt, state, group);
  const tried: string[] = [];
  let retries = 0;
  let lastError: GatewayError | undefined;
  for (;;) {
    let deployment: Deployment;
    try {
      const picked = pickDeployment(rt, state, group.name, candidates, tried);
      deployment = picked instanceof Promise ? await picked : picked;
    } catch (error) {
      // A retry that finds nothing available surfaces the failure that caused it (LiteLLM).
      throw lastError ?? error;
    }
    const attempt = openAttempt(rt, state, deployment, group.name);
    // A client gone already is never sent upstream (the attempt's call starts aborted).
    const sent = state.ctx.signal?.aborted !== true;
    try {
      return await run(attempt);
    } catch (thrown) {
      const error = toGatewayError(thrown, secretsOf(deployment));
      if (error instanceof ClientClosedError || state.ctx.signal?.aborted === true) {
        attempt.cancel();
        // The prompt was sent: the upstream bills it whether or not the client waits.
        if (sent) state.answeredBy = deployment;
        throw error instanceof ClientClosedError ? error : new ClientClosedError();
      }
      await attempt.fail(error);
      tried.push(deployment.id);
      lastError = error;
      if (error instanceof LocalRequestError) {
        // Nothing reached the upstream: no retry policy applies, another try fails the same way.
        rt.logger.warn("router: request failed locally before reaching the upstream", {
          request_id: state.ctx.callId,
          deploymentId: deployment.id,
          error: error.message,
          stack: error.cause instanceof Error ? error.cause.stack : undefined,
        });
        throw error;
      }

      const errorClass = classifyError(error);
      const policy = rt.settings.groupRetryPolicy[group.name] ?? rt.settings.retryPolicy;
      const policyApplies = policy !== undefined && policyRetries(policy, errorClass) !== undefined;
      const allowed = retriesFor(
        errorClass,
        group.name,
        deployment,
        state.requestRetries,
        rt.settings,
      );
      const { healthy, healthyUntried, recoversAt } = countHealthy(rt, state, candidates, tried);
      const retry =
        retries < allowed &&
        shouldRetry({
          error,
          errorClass,
          healthy,
          healthyUntried,
          policyApplies,
          hasContextWindowFallbacks:
            fallbacksFor(state.contextWindowFallbacks, group.name) !== undefined,
          hasContentPolicyFallbacks:
            fallbacksFor(state.contentPolicyFallbacks, group.name) !== undefined,
        });
      if (!retry) throw error;

      // Another healthy deployment is tried at once; the same one after a back-off.
      let waitMs =
        healthyUntried > 0
          ? 0
          : backoffMs(retries, error.retryAfterMs, rt.settings.retryAfterMs, rt.random);
      if (healthy === 0) {
        const untilRecovery = recoversAt - rt.clock.now();
        if (!(untilRecovery <= MAX_RECOVERY_WAIT_MS)) throw error;
        waitMs = Math.max(waitMs, untilRecovery);
      }
      retries++;
      state.ctx.retries++;
      rt.logger.debug("router: retrying", {
        request_id: state.ctx.callId,
        modelGroup: group.name,
        deploymentId: deployment.id,
        errorClass,
        retry: retries,
        waitMs,
      });
      if (waitMs > 0) await sleep(waitMs, state.ctx.signal);
    }
  }
}

/**
 * enable_pre_call_checks: drop deployments whose max_input_tokens the prompt exceeds. When none
 * is left, the request cannot fit this group: a context-window error, which
 * context_window_fallbacks then handle.
 */
function preCallChecks(rt: Runtime, state: RequestState, group: ModelGroup): readonly Deployment[] {
  if (!rt.settings.preCallChecks || state.ctx.kind !== "chat") return group.deployments;
  const fits = group.deployments.filter(
    (d) => d.maxInputTokens === undefined || state.tokens <= d.maxInputTokens,
  );
  if (fits.length === group.deployments.length) return group.deployments;
  if (fits.length === 0) {
    const largest = Math.max(...group.deployments.map((d) => d.maxInputTokens ?? 0));
    throw new ContextWindowExceededError(
      `The prompt (about ${state.tokens} tokens) exceeds max_input_tokens (${largest}) of every deployment in model group "${group.name}".`,
      { param: "messages" },
    );
  }
  return fits;
}

/** The group for a name, or the 400 LiteLLM gives for an unknown model. */
export function resolveGroup(rt: Runtime, name: string): ModelGroup {
  const group = rt.table.resolve(name);
  if (group === undefined) throw new UnknownModelError(name);
  return group;
}
