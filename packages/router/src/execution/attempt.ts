import type { GatewayError } from "@org/core";
import { redactSecrets } from "@org/core";
import type { AttemptRecord, DeploymentRef } from "../context/request-context.ts";
import { failureAccounting } from "../cooldown/failure-policy.ts";
import type { Deployment } from "../deployments/deployment.ts";
import { publicApiBase, secretValues } from "../deployments/secret-params.ts";
import { classifyError } from "../retry/error-class.ts";
import type { ErrorClass } from "../retry/error-class.ts";
import type { ReleaseResult } from "../state/state-store.ts";
import { isPromiseLike } from "../state/state-store.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

/** LiteLLM records a 1000 s latency for a deployment that timed out, so latency routing avoids it. */
const TIMEOUT_LATENCY_PENALTY_MS = 1_000_000;

export interface SuccessSample {
  /** Tokens the call used (usage.total_tokens, else an estimate), for tpm. */
  readonly tokens: number;
  readonly latencySample?: number;
  readonly ttftSample?: number;
}

/**
 * One try of one deployment, from its reservation to its release. Exactly one of `succeed`,
 * `fail` or `cancel` takes effect (for a stream, possibly long after the router resolved).
 */
export interface AttemptHandle {
  readonly deployment: Deployment;
  readonly group: string;
  readonly startedAt: number;
  succeed(sample: SuccessSample): void;
  /** Counts the failure (possibly cooling the deployment down); resolves once the store knows. */
  fail(error: GatewayError): ReleaseResult | Promise<ReleaseResult>;
  /** The caller went away: release the reservation, count nothing against the deployment. */
  cancel(): void;
}

export function openAttempt(
  rt: Runtime,
  state: RequestState,
  deployment: Deployment,
  group: string,
): AttemptHandle {
  const startedAt = rt.clock.now();
  const record: AttemptRecord = {
    deploymentId: deployment.id,
    modelGroup: group,
    startedAt,
    durationMs: 0,
    outcome: "success",
  };
  state.ctx.attempts.push(record);
  state.ctx.deployment = deploymentRef(deployment, group);
  let settled = false;

  const settle = (outcome: AttemptRecord["outcome"]): number => {
    settled = true;
    const now = rt.clock.now();
    record.outcome = outcome;
    record.durationMs = now - startedAt;
    return now;
  };

  return {
    deployment,
    group,
    startedAt,
    succeed(sample) {
      if (settled) return;
      const now = settle("success");
      state.answeredBy = deployment;
      // Not awaited: success accounting must not delay the answer. A store reports its own
      // failures (the Redis store degrades to local state and never rejects).
      const result = rt.store.release({
        id: deployment.id,
        now,
        acquired: true,
        tokens: sample.tokens,
        ...(sample.latencySample === undefined ? {} : { latencySample: sample.latencySample }),
        ...(sample.ttftSample === undefined ? {} : { ttftSample: sample.ttftSample }),
      });
      if (isPromiseLike(result))
        result.then(undefined, (e: unknown) => logStoreError(rt, state, e));
    },
    fail(error) {
      if (settled) return { cooldownUntil: 0 };
      const now = settle("failure");
      const errorClass: ErrorClass = classifyError(error);
      record.errorClass = errorClass;
      record.status = error.upstreamStatus ?? error.status;
      record.message = redactSecrets(error.message, secretsOf(deployment));
      const groupSize = rt.table.resolve(group)?.deployments.length ?? 1;
      const accounting = failureAccounting(error, errorClass, deployment, rt.settings, groupSize);
      const result = rt.store.release({
        id: deployment.id,
        now,
        acquired: true,
        tokens: 0,
        failure: accounting,
        ...(errorClass === "TimeoutError" ? { latencySample: TIMEOUT_LATENCY_PENALTY_MS } : {}),
      });
      const note = (r: ReleaseResult): ReleaseResult => {
        if (r.cooldownUntil > 0) {
          record.cooldownUntil = r.cooldownUntil;
          rt.logger.warn("router: deployment cooling down", {
            request_id: state.ctx.callId,
            deploymentId: deployment.id,
            modelGroup: group,
            until: new Date(r.cooldownUntil).toISOString(),
            errorClass,
          });
        }
        return r;
      };
      return isPromiseLike(result)
        ? result.then(note, (e: unknown) => {
            logStoreError(rt, state, e);
            return { cooldownUntil: 0 };
          })
        : note(result);
    },
    cancel() {
      if (settled) return;
      const now = settle("cancelled");
      const result = rt.store.release({ id: deployment.id, now, acquired: true, tokens: 0 });
      if (isPromiseLike(result))
        result.then(undefined, (e: unknown) => logStoreError(rt, state, e));
    },
  };
}

export function deploymentRef(deployment: Deployment, group: string): DeploymentRef {
  const apiBase = publicApiBase(deployment.target.apiBase);
  return {
    id: deployment.id,
    modelGroup: group,
    model: `${deployment.provider}/${deployment.target.model}`,
    provider: deployment.provider,
    ...(apiBase === undefined ? {} : { apiBase }),
  };
}

/**
 * What an error from this deployment must not show: its api_key and every other credential in
 * its litellm_params (secret-params.ts). Worked out once per deployment, on its first error.
 */
export function secretsOf(deployment: Deployment): string[] {
  let secrets = secretsByDeployment.get(deployment);
  if (secrets === undefined) {
    const found = new Set(secretValues(deployment.entry.litellm_params));
    if (deployment.target.apiKey !== undefined) found.add(deployment.target.apiKey);
    // Longest first: a secret that contains another must be replaced whole.
    secrets = [...found].sort((a, b) => b.length - a.length);
    secretsByDeployment.set(deployment, secrets);
  }
  return secrets;
}

const secretsByDeployment = new WeakMap<Deployment, string[]>();

function logStoreError(rt: Runtime, state: RequestState, error: unknown): void {
  rt.logger.error("router: state store release failed", {
    request_id: state.ctx.callId,
    error: error instanceof Error ? error.message : String(error),
  });
}
