import type { SinkQueueStats } from "../sinks/sink-queue.ts";

/** What `PrometheusMetrics` is configured with and fed, apart from request events. */

export interface PrometheusMetricsOptions {
  /**
   * Label series by the request's end user (`user` field). Off by default, as in LiteLLM
   * (`enable_end_user_cost_tracking_prometheus_only`): callers choose those ids freely.
   */
  readonly trackEndUser?: boolean;
  /** Distinct values kept per label name; later new ones collapse to `other`. Default 1 000. */
  readonly maxValuesPerLabel?: number;
  /** Label combinations kept for the per-request metrics; later new ones go to one `other` series. Default 10 000. */
  readonly maxSeries?: number;
  /** Also export the older token names (litellm_total_tokens, ...). Default true. */
  readonly legacyTokenMetrics?: boolean;
  /** Histogram buckets in seconds. Default LiteLLM's. */
  readonly latencyBuckets?: readonly number[];
  /** Add prom-client's process metrics (CPU, memory, event loop lag). Default false. */
  readonly processMetrics?: boolean;
}

/** 0 healthy, 1 partial outage, 2 complete outage: LiteLLM's litellm_deployment_state values. */
export type DeploymentState = 0 | 1 | 2;

export interface DeploymentLabels {
  readonly deploymentId: string;
  /** The model sent upstream (LiteLLM's `litellm_model_name`). */
  readonly providerModel?: string;
  readonly provider?: string;
  readonly apiBase?: string;
}

export type RemainingBudget =
  | {
      readonly kind: "team";
      readonly teamId: string;
      readonly teamAlias?: string;
      readonly remaining: number;
      readonly maxBudget?: number;
      /** Epoch ms of the next budget reset. */
      readonly resetAt?: number;
    }
  | {
      readonly kind: "key";
      readonly keyHash: string;
      readonly keyAlias?: string;
      readonly remaining: number;
      readonly maxBudget?: number;
      readonly resetAt?: number;
    };

/** The upstream's `x-ratelimit-remaining-*` headers for one deployment. */
export interface RemainingRateLimits extends DeploymentLabels {
  readonly modelGroup?: string;
  readonly keyHash?: string;
  readonly keyAlias?: string;
  readonly remainingRequests?: number;
  readonly remainingTokens?: number;
}

/** What the metrics read from a sink's queue at scrape time (a SinkQueue satisfies it). */
export interface WatchedQueue {
  readonly name: string;
  stats(): SinkQueueStats;
}
