import {
  PrometheusMetrics,
  RequestEventBus,
  withoutContent,
  type AlertingSettings,
  type EventObserver,
  type Logger,
  type RecordRequestOptions,
  type RequestEvent,
} from "@org/observability";
import type { BudgetExceededEvent, SoftBudgetEvent } from "@org/budgets";
import type { RedisConnection, Router, RouterHooks } from "@org/router";
import type { GatewayRequestMetadata } from "../request-metadata.ts";
import { buildAlerter } from "./build-alerter.ts";
import { budgetExceededInput } from "./budget-alert-input.ts";
import { buildSinks } from "./build-sinks.ts";
import type { CallbackSettings } from "./callback-selection.ts";
import type { MessageLogging } from "./message-logging.ts";
import { requestEventOf } from "./request-event-of.ts";
import { requestLogObserver } from "./request-log-observer.ts";
import { timePreCall, type TimedPhase } from "./timed-hooks.ts";

/** How long shutdown waits for the sinks, the alerts and the span export, each. */
const FLUSH_TIMEOUT_MS = 5_000;

export interface BuiltObservability {
  /** Composed last: every request's one event, after the budget and cache hooks saw it. */
  readonly hooks: RouterHooks<GatewayRequestMetadata>;
  /** `GET /metrics`: state read at scrape time (in flight, deployments), then the registry. */
  scrape(inFlight: number): Promise<{ contentType: string; body: string }>;
  /** A refused dashboard login (POST /v2/login), counted for /metrics. */
  loginFailed(method: string, reason: string): void;
  /**
   * `hooks` with their pre-call timed for the trace's child spans (`checks`: auth, budgets and
   * limits; `cacheLookup`: the response cache), or unchanged when tracing is off (no cost).
   */
  timed(
    phase: TimedPhase,
    hooks: RouterHooks<GatewayRequestMetadata> | undefined,
  ): RouterHooks<GatewayRequestMetadata> | undefined;
  /** The budgets' soft-budget crossings, for the `budget_alerts` alert. Never throws. */
  softBudgetCrossed(event: SoftBudgetEvent): void;
  /** Requests refused for budget, for the `budget_alerts` alert (once per budget per window). */
  budgetExceeded(event: BudgetExceededEvent): void;
  /**
   * The event of a request refused before the router (see refused-request-events), with the
   * request's incoming trace context: it gets its server span like every other request.
   */
  publish(event: RequestEvent, trace?: RecordRequestOptions): void;
  /** Delivers what the sinks, alerts and tracer hold (bounded), then stops them. */
  close(): Promise<void>;
}

/**
 * The gateway's observability: one event per request (the router's post-call, exactly once,
 * streamed or not, cache hit or not) published to the metrics, the alerter and the sinks
 * LiteLLM's callback lists name, and turned into OTel spans. Publishing is synchronous and
 * cheap (counters in memory, appends to bounded queues); sinks that do I/O sit behind those
 * queues (see @org/observability), so none of it can slow or fail a request.
 */
export function buildObservability(options: {
  logger: Logger;
  router: () => Router<GatewayRequestMetadata>;
  clock?: { now(): number };
  /** `litellm_settings`: callbacks, success_callback, failure_callback. */
  callbacks?: CallbackSettings | undefined;
  /** `general_settings`: alerting, alerting_threshold, alert_types, alerting_args. */
  alerting?: AlertingSettings | undefined;
  /** The variables the callbacks and alerting read (the gateway's env; packages read none). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Which callbacks get the request's messages and the answer (`message-logging.ts`); none
   * when left out.
   */
  messageLogging?: MessageLogging;
  /** The gateway's Redis: alerts are deduped across instances through it. */
  redis?: RedisConnection | undefined;
  alertClaimKeyPrefix?: string;
}): BuiltObservability {
  const { logger } = options;
  const env = options.env ?? {};
  const metrics = new PrometheusMetrics();
  const sinks = buildSinks({
    settings: options.callbacks,
    env,
    logger,
    contentFor: (callback) => options.messageLogging?.contentFor(callback) === true,
  });
  const alerter = buildAlerter({
    settings: options.alerting,
    env,
    logger,
    redis: options.redis,
    ...(options.alertClaimKeyPrefix ? { claimKeyPrefix: options.alertClaimKeyPrefix } : {}),
  });
  const observers: EventObserver[] = [metrics];
  if (alerter) observers.push(alerter);
  const requestLog = requestLogObserver(logger);
  if (requestLog) observers.push(requestLog);
  const bus = new RequestEventBus({ observers, queues: sinks.queues, logger });
  metrics.watchQueues([...sinks.queues, ...(alerter?.channelQueues() ?? [])]);
  const stopWatchingSinks = alerter?.watchSinkQueues(sinks.queues);
  const tracing = sinks.tracer;
  const now = () => options.clock?.now() ?? Date.now();
  // Built with content only when some configured callback is to receive it; the sinks that
  // must not get it receive a copy without (build-sinks.ts).
  const logContent = sinks.contentTo.length > 0;
  if (logContent) {
    logger.info(
      `message logging on for ${sinks.contentTo.join(", ")}: they receive request messages and responses`,
    );
  }
  return {
    hooks: {
      postCall(ctx, outcome) {
        const event = requestEventOf(ctx, outcome, now(), logContent);
        bus.publish(event);
        // A key expiring within the warning alerts (once per key per window): one comparison.
        const identity = ctx.metadata.identity;
        if (alerter && identity?.kind === "virtual_key" && identity.expiresAt !== undefined) {
          alerter.nearExpiry({
            scope: "key",
            id: identity.keyHash,
            ...(identity.keyAlias ? { alias: identity.keyAlias } : {}),
            expiresAt: identity.expiresAt,
          });
        }
        if (tracing?.records(event)) {
          tracing.tracer.recordRequest(tracing.content ? event : withoutContent(event), {
            ...(ctx.metadata.traceparent ? { traceparent: ctx.metadata.traceparent } : {}),
            ...(ctx.metadata.tracestate ? { tracestate: ctx.metadata.tracestate } : {}),
          });
        }
      },
    },
    timed: (phase, hooks) => (tracing ? timePreCall(phase, hooks) : hooks),
    loginFailed(method, reason) {
      metrics.dashboardLoginFailed(method, reason);
    },
    async scrape(inFlight) {
      metrics.setInFlight(inFlight);
      // Deployment state from the router's shared cooldowns: 0 healthy, 2 cooling down.
      const health = await options.router().health();
      for (const d of health.healthy) metrics.setDeploymentState(labels(d), 0);
      for (const d of health.unhealthy) metrics.setDeploymentState(labels(d), 2);
      return metrics.scrape();
    },
    softBudgetCrossed(event) {
      // @org/budgets' event maps field for field (its key scope's id is the key's hash).
      alerter?.softBudgetCrossed({
        scope: event.scope,
        id: event.entityId,
        ...(event.detail !== undefined ? { detail: event.detail } : {}),
        spend: event.spend,
        softBudget: event.softBudget,
        ...(event.maxBudget !== undefined ? { maxBudget: event.maxBudget } : {}),
      });
    },
    budgetExceeded(event) {
      alerter?.budgetExceeded(budgetExceededInput(event));
    },
    publish(event, trace) {
      bus.publish(event);
      if (tracing?.records(event)) {
        tracing.tracer.recordRequest(tracing.content ? event : withoutContent(event), trace);
      }
    },
    async close() {
      stopWatchingSinks?.();
      await Promise.all([
        bus.close({ flushTimeoutMs: FLUSH_TIMEOUT_MS }),
        alerter?.close({ flushTimeoutMs: FLUSH_TIMEOUT_MS }),
        tracing ? bounded(tracing.tracer.shutdown(), FLUSH_TIMEOUT_MS) : undefined,
      ]);
    },
  };
}

/** Waits for `work` at most `ms` (a dead collector must not hold shutdown). */
function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function labels(d: { id: string; model: string; provider: string }) {
  return { deploymentId: d.id, providerModel: d.model, provider: d.provider };
}
