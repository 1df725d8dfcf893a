import { PrometheusMetrics, RequestEventBus, type Logger } from "@org/observability";
import type { Router, RouterHooks } from "@org/router";
import type { GatewayRequestMetadata } from "../request-metadata.ts";
import { requestEventOf } from "./request-event-of.ts";

export interface BuiltObservability {
  /** Composed last: every request's one event, after the budget and cache hooks saw it. */
  readonly hooks: RouterHooks<GatewayRequestMetadata>;
  /** `GET /metrics`: state read at scrape time (in flight, deployments), then the registry. */
  scrape(inFlight: number): Promise<{ contentType: string; body: string }>;
}

/**
 * The gateway's observability: one event per request (the router's post-call, exactly once,
 * streamed or not, cache hit or not) published to the metrics. Publishing is synchronous and
 * cheap (counters in memory); sinks that do I/O sit behind bounded queues (see
 * @org/observability), so none of it can slow or fail a request.
 */
export function buildObservability(options: {
  logger: Logger;
  router: () => Router<GatewayRequestMetadata>;
  clock?: { now(): number };
}): BuiltObservability {
  const metrics = new PrometheusMetrics();
  const bus = new RequestEventBus({ observers: [metrics], logger: options.logger });
  const now = () => options.clock?.now() ?? Date.now();
  return {
    hooks: {
      postCall(ctx, outcome) {
        bus.publish(requestEventOf(ctx, outcome, now()));
      },
    },
    async scrape(inFlight) {
      metrics.setInFlight(inFlight);
      // Deployment state from the router's shared cooldowns: 0 healthy, 2 cooling down.
      const health = await options.router().health();
      for (const d of health.healthy) metrics.setDeploymentState(labels(d), 0);
      for (const d of health.unhealthy) metrics.setDeploymentState(labels(d), 2);
      return metrics.scrape();
    },
  };
}

function labels(d: { id: string; model: string; provider: string }) {
  return { deploymentId: d.id, providerModel: d.model, provider: d.provider };
}
