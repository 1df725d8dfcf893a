import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { RequestEvent } from "../events/request-event.ts";
import type { EventObserver } from "../events/request-event-bus.ts";
import type {
  DeploymentLabels,
  DeploymentState,
  PrometheusMetricsOptions,
  RemainingBudget,
  RemainingRateLimits,
  WatchedQueue,
} from "./metric-inputs.ts";
import { LabelLimiter } from "./label-limiter.ts";
import { SEPARATOR, SeriesTable, type Series } from "./request-series.ts";
import { SeriesHistogram } from "./series-histogram.ts";
import {
  CACHE_LABELS,
  DEPLOYMENT_COOLED_DOWN_LABELS,
  DEPLOYMENT_LABELS,
  KEY_BUDGET_LABELS,
  LEGACY_TOKENS_LABELS,
  LITELLM_LATENCY_BUCKETS,
  LLM_API_FAILED_LABELS,
  LLM_API_LATENCY_LABELS,
  PROXY_FAILED_LABELS,
  PROXY_TOTAL_LABELS,
  REMAINING_LIMIT_LABELS,
  REQUEST_LATENCY_LABELS,
  REQUESTS_LABELS,
  TEAM_BUDGET_LABELS,
  TOKENS_LABELS,
  type LabelName,
  type Labels,
} from "./litellm-metric-labels.ts";

/**
 * In-process Prometheus metrics under LiteLLM's names and labels, on a registry of its own
 * (never prom-client's global one, so two gateways in one process, or tests, do not mix).
 *
 * `observe(event)` is called inline once per request: it only adds numbers to a per-label-set
 * record (resolved once per label combination, no label hashing per counter); counters are
 * written into prom-client when scraped. Histograms observe directly with the record's
 * pre-built label objects.
 *
 * Counters are exported with the `_total` suffix that Python's prometheus_client appends,
 * so the sample names match LiteLLM's scrape (`litellm_requests_metric_total`, ...).
 */
export class PrometheusMetrics implements EventObserver {
  readonly registry = new Registry();
  private readonly limiter: LabelLimiter;
  private readonly series: SeriesTable;
  private readonly queues: WatchedQueue[] = [];

  private readonly requestLatency: SeriesHistogram;
  private readonly llmLatency: SeriesHistogram;
  private readonly timeToFirstToken: SeriesHistogram;
  private readonly inFlight: Gauge;
  private readonly deploymentState: Gauge<LabelName>;
  private readonly deploymentCooledDownTotal: Counter<LabelName>;
  private readonly remainingTeamBudget: Gauge<LabelName>;
  private readonly teamMaxBudget: Gauge<LabelName>;
  private readonly teamBudgetRemainingHours: Gauge<LabelName>;
  private readonly remainingKeyBudget: Gauge<LabelName>;
  private readonly keyMaxBudget: Gauge<LabelName>;
  private readonly keyBudgetRemainingHours: Gauge<LabelName>;
  private readonly remainingRequests: Gauge<LabelName>;
  private readonly remainingTokens: Gauge<LabelName>;
  private readonly dashboardLoginFailures: Counter<"method" | "reason">;

  constructor(options: PrometheusMetricsOptions = {}) {
    this.limiter = new LabelLimiter(options.maxValuesPerLabel ?? 1_000);
    this.series = new SeriesTable(
      this.limiter,
      options.trackEndUser ?? false,
      options.maxSeries ?? 10_000,
    );
    const registers = [this.registry];
    const buckets = [...(options.latencyBuckets ?? LITELLM_LATENCY_BUCKETS)];

    // Per-request counters: written from the series records at each scrape.
    const define = (
      name: string,
      help: string,
      labelNames: readonly LabelName[],
      write: (counter: Counter<LabelName>, s: Series) => unknown,
    ): void => {
      const counter: Counter<LabelName> = new Counter<LabelName>({
        name,
        help,
        labelNames,
        registers,
        collect: () => {
          counter.reset();
          for (const s of this.series.values()) write(counter, s);
        },
      });
    };

    define(
      "litellm_requests_metric_total",
      "Total number of LLM calls to litellm (successful responses), per key, team, user and model",
      REQUESTS_LABELS,
      (c, s) => s.successes > 0 && c.inc(s.requests, s.successes),
    );
    define(
      "litellm_spend_metric_total",
      "Total spend on LLM requests (USD)",
      REQUESTS_LABELS,
      (c, s) => s.successes > 0 && c.inc(s.requests, s.spend),
    );
    define(
      "litellm_total_tokens_metric_total",
      "Total number of input + output tokens from LLM requests",
      TOKENS_LABELS,
      (c, s) => s.successes > 0 && c.inc(s.tokens, s.inputTokens + s.outputTokens),
    );
    define(
      "litellm_input_tokens_metric_total",
      "Total number of input tokens from LLM requests",
      TOKENS_LABELS,
      (c, s) => s.successes > 0 && c.inc(s.tokens, s.inputTokens),
    );
    define(
      "litellm_output_tokens_metric_total",
      "Total number of output tokens from LLM requests",
      TOKENS_LABELS,
      (c, s) => s.successes > 0 && c.inc(s.tokens, s.outputTokens),
    );
    if (options.legacyTokenMetrics ?? true) {
      define(
        "litellm_total_tokens_total",
        "Total number of input + output tokens from LLM requests (older name)",
        LEGACY_TOKENS_LABELS,
        (c, s) => s.successes > 0 && c.inc(s.legacyTokens, s.inputTokens + s.outputTokens),
      );
      define(
        "litellm_input_tokens_total",
        "Total number of input tokens from LLM requests (older name)",
        LEGACY_TOKENS_LABELS,
        (c, s) => s.successes > 0 && c.inc(s.legacyTokens, s.inputTokens),
      );
      define(
        "litellm_output_tokens_total",
        "Total number of output tokens from LLM requests (older name)",
        LEGACY_TOKENS_LABELS,
        (c, s) => s.successes > 0 && c.inc(s.legacyTokens, s.outputTokens),
      );
    }
    define(
      "litellm_proxy_total_requests_metric_total",
      "Total number of requests made to the proxy server - track number of client side requests",
      PROXY_TOTAL_LABELS,
      (c, s) => {
        for (const row of s.proxyTotal.values()) c.inc(row.labels, row.count);
      },
    );
    define(
      "litellm_proxy_failed_requests_metric_total",
      "Total number of failed responses from proxy - the client did not get a success response from litellm proxy",
      PROXY_FAILED_LABELS,
      (c, s) => {
        for (const row of s.proxyFailed.values()) c.inc(row.labels, row.count);
      },
    );
    define(
      "litellm_llm_api_failed_requests_metric_total",
      "Total number of failed LLM API calls via litellm",
      LLM_API_FAILED_LABELS,
      (c, s) => s.llmFailures > 0 && c.inc(s.llmFailed, s.llmFailures),
    );
    define(
      "litellm_cache_hits_metric_total",
      "Total number of requests answered from the response cache",
      CACHE_LABELS,
      (c, s) => s.cacheHits > 0 && c.inc(s.cache, s.cacheHits),
    );
    define(
      "litellm_cached_tokens_metric_total",
      "Total number of tokens served from the response cache",
      CACHE_LABELS,
      (c, s) => s.cacheHits > 0 && c.inc(s.cache, s.cachedTokens),
    );

    // Observed on every request: SeriesHistogram finds its cell by the series' label object
    // instead of validating and hashing a dozen labels per call (prom-client's Histogram).
    const histogram = (name: string, help: string, labelNames: readonly LabelName[]) =>
      new SeriesHistogram({ name, help, labelNames, buckets, registers });
    this.requestLatency = histogram(
      "litellm_request_total_latency_metric",
      "Total latency (seconds) for a request to LiteLLM",
      REQUEST_LATENCY_LABELS,
    );
    this.llmLatency = histogram(
      "litellm_llm_api_latency_metric",
      "Total latency (seconds) for a models LLM API call",
      LLM_API_LATENCY_LABELS,
    );
    this.timeToFirstToken = histogram(
      "litellm_llm_api_time_to_first_token_metric",
      "Time to first token for a models LLM API call (streams only)",
      LLM_API_LATENCY_LABELS,
    );

    const gauge = (name: string, help: string, labelNames: readonly LabelName[]) =>
      new Gauge<LabelName>({ name, help, labelNames, registers });
    this.inFlight = new Gauge({
      name: "litellm_in_flight_requests",
      help: "Number of HTTP requests currently in flight on this gateway process",
      registers,
    });
    this.deploymentState = gauge(
      "litellm_deployment_state",
      "LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage, 2 = complete outage",
      DEPLOYMENT_LABELS,
    );
    this.deploymentCooledDownTotal = new Counter<LabelName>({
      name: "litellm_deployment_cooled_down_total",
      help: "LLM Deployment Analytics - Number of times a deployment has been cooled down by the load balancing logic",
      labelNames: DEPLOYMENT_COOLED_DOWN_LABELS,
      registers,
    });
    this.remainingTeamBudget = gauge(
      "litellm_remaining_team_budget_metric",
      "Remaining budget for team",
      TEAM_BUDGET_LABELS,
    );
    this.teamMaxBudget = gauge(
      "litellm_team_max_budget_metric",
      "Maximum budget set for team",
      TEAM_BUDGET_LABELS,
    );
    this.teamBudgetRemainingHours = gauge(
      "litellm_team_budget_remaining_hours_metric",
      "Remaining hours for team budget to be reset",
      TEAM_BUDGET_LABELS,
    );
    this.remainingKeyBudget = gauge(
      "litellm_remaining_api_key_budget_metric",
      "Remaining budget for api key",
      KEY_BUDGET_LABELS,
    );
    this.keyMaxBudget = gauge(
      "litellm_api_key_max_budget_metric",
      "Maximum budget set for api key",
      KEY_BUDGET_LABELS,
    );
    this.keyBudgetRemainingHours = gauge(
      "litellm_api_key_budget_remaining_hours_metric",
      "Remaining hours for api key budget to be reset",
      KEY_BUDGET_LABELS,
    );
    this.remainingRequests = gauge(
      "litellm_remaining_requests_metric",
      "LLM Deployment Analytics - remaining requests for model, returned from LLM API Provider",
      REMAINING_LIMIT_LABELS,
    );
    this.remainingTokens = gauge(
      "litellm_remaining_tokens_metric",
      "remaining tokens for model, returned from LLM API Provider",
      REMAINING_LIMIT_LABELS,
    );

    // Ours: the event sinks' queues, read at scrape time.
    const queueDepth: Gauge = new Gauge({
      name: "llm_gateway_sink_queue_depth",
      help: "Events waiting in a sink's queue",
      labelNames: ["sink"],
      registers,
      collect: () => {
        queueDepth.reset();
        for (const q of this.queues) queueDepth.set({ sink: q.name }, q.stats().depth);
      },
    });
    const queueDropped: Counter = new Counter({
      name: "llm_gateway_sink_dropped_events_total",
      help: "Events a sink's queue dropped (full, or closed before it drained)",
      labelNames: ["sink"],
      registers,
      collect: () => {
        queueDropped.reset();
        for (const q of this.queues) queueDropped.inc({ sink: q.name }, q.stats().dropped);
      },
    });
    const sinkFailures: Counter = new Counter({
      name: "litellm_callback_logging_failures_metric_total",
      help: "Events a sink failed to deliver after every retry",
      labelNames: ["callback_name"],
      registers,
      collect: () => {
        sinkFailures.reset();
        for (const q of this.queues) sinkFailures.inc({ callback_name: q.name }, q.stats().failed);
      },
    });

    // Ours: refused dashboard logins (wrong credentials, or a locked-out address), so a guessing
    // run can be graphed and alerted on. Two fixed labels: never the name that was tried.
    this.dashboardLoginFailures = new Counter({
      name: "llm_gateway_dashboard_login_failures_total",
      help: "Refused dashboard logins (POST /v2/login) by method and reason",
      labelNames: ["method", "reason"],
      registers,
    });

    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one finished request. Synchronous and cheap; never throws for odd input. */
  observe(event: RequestEvent): void {
    const s = this.series.get(event);
    const tokens = event.tokens;
    const prompt = finite(tokens?.prompt);
    const completion = finite(tokens?.completion);
    const success = event.status === "success";

    // Keyed by the bounded label values, so odd routes or statuses cannot grow the maps either.
    const route = this.limiter.value("route", event.route);
    const statusCode = this.limiter.value("status_code", event.httpStatus);
    const totalKey = `${statusCode}${SEPARATOR}${route}`;
    const total = s.proxyTotal.get(totalKey);
    if (total) total.count += 1;
    else {
      s.proxyTotal.set(totalKey, {
        labels: { ...s.identity, status_code: statusCode, route },
        count: 1,
      });
    }

    if (success) {
      s.successes += 1;
      s.spend += finite(event.cost);
      s.inputTokens += prompt;
      s.outputTokens += completion;
      if (event.cacheHit) {
        s.cacheHits += 1;
        s.cachedTokens += prompt + completion;
      }
      const seconds = (event.endTime - event.startTime) / 1000;
      if (seconds >= 0) this.requestLatency.observe(s.requestLatency, seconds);
    } else {
      const exceptionStatus = this.limiter.value(
        "exception_status",
        event.errorStatus ?? event.httpStatus,
      );
      const exceptionClass = this.limiter.value("exception_class", event.errorClass);
      const failedKey = `${exceptionStatus}${SEPARATOR}${exceptionClass}${SEPARATOR}${route}`;
      const failed = s.proxyFailed.get(failedKey);
      if (failed) failed.count += 1;
      else {
        s.proxyFailed.set(failedKey, {
          labels: {
            ...s.identity,
            exception_status: exceptionStatus,
            exception_class: exceptionClass,
            route,
          },
          count: 1,
        });
      }
      // Only a failure of the upstream call counts as an LLM API failure (not a 401 from auth).
      if (event.apiCallStartTime !== undefined) s.llmFailures += 1;
    }

    if (!event.cacheHit && event.apiCallStartTime !== undefined) {
      if (success) {
        const api = (event.endTime - event.apiCallStartTime) / 1000;
        if (api >= 0) this.llmLatency.observe(s.llmLatency, api);
      }
      if (event.stream && event.firstTokenTime !== undefined) {
        const ttft = (event.firstTokenTime - event.apiCallStartTime) / 1000;
        if (ttft >= 0) this.timeToFirstToken.observe(s.llmLatency, ttft);
      }
    }
  }

  /** Call when a request is admitted; pair with `requestFinished` (in a finally). */
  requestStarted(): void {
    this.inFlight.inc();
  }

  requestFinished(): void {
    this.inFlight.dec();
  }

  /** Sets the in-flight gauge from a count kept elsewhere (the gateway's tracker), at scrape. */
  setInFlight(count: number): void {
    this.inFlight.set(count);
  }

  setDeploymentState(deployment: DeploymentLabels, state: DeploymentState): void {
    this.deploymentState.set(this.deploymentLabels(deployment), state);
  }

  /** A failure put the deployment into cooldown (`exceptionStatus`: the status that did). */
  deploymentCooledDown(deployment: DeploymentLabels, exceptionStatus?: number): void {
    this.deploymentCooledDownTotal.inc({
      ...this.deploymentLabels(deployment),
      exception_status: this.limiter.value("exception_status", exceptionStatus),
    });
  }

  setRemainingBudget(budget: RemainingBudget, now: number = Date.now()): void {
    const [labels, remaining, max, hours] =
      budget.kind === "team"
        ? [
            {
              team: this.limiter.value("team", budget.teamId),
              team_alias: this.limiter.value("team_alias", budget.teamAlias),
            },
            this.remainingTeamBudget,
            this.teamMaxBudget,
            this.teamBudgetRemainingHours,
          ]
        : [
            {
              hashed_api_key: this.limiter.value("hashed_api_key", budget.keyHash),
              api_key_alias: this.limiter.value("api_key_alias", budget.keyAlias),
            },
            this.remainingKeyBudget,
            this.keyMaxBudget,
            this.keyBudgetRemainingHours,
          ];
    // LiteLLM reports +Inf for a budget without a maximum; keep that (the text format has it).
    remaining.set(labels, Number.isFinite(budget.remaining) ? budget.remaining : Infinity);
    if (budget.maxBudget !== undefined) max.set(labels, budget.maxBudget);
    if (budget.resetAt !== undefined) {
      hours.set(labels, Math.max(0, (budget.resetAt - now) / 3_600_000));
    }
  }

  setRemainingRateLimits(limits: RemainingRateLimits): void {
    const labels: Labels = {
      model_group: this.limiter.value("model_group", limits.modelGroup),
      api_provider: this.limiter.value("api_provider", limits.provider),
      api_base: this.limiter.value("api_base", limits.apiBase),
      litellm_model_name: this.limiter.value("litellm_model_name", limits.providerModel),
      hashed_api_key: this.limiter.value("hashed_api_key", limits.keyHash),
      api_key_alias: this.limiter.value("api_key_alias", limits.keyAlias),
      model_id: this.limiter.value("model_id", limits.deploymentId),
    };
    if (limits.remainingRequests !== undefined && Number.isFinite(limits.remainingRequests)) {
      this.remainingRequests.set(labels, limits.remainingRequests);
    }
    if (limits.remainingTokens !== undefined && Number.isFinite(limits.remainingTokens)) {
      this.remainingTokens.set(labels, limits.remainingTokens);
    }
  }

  /** A refused dashboard login; labels outside the known values are counted as "other". */
  dashboardLoginFailed(method: string, reason: string): void {
    this.dashboardLoginFailures.inc({
      method: method === "password" || method === "api_key" ? method : "other",
      reason: reason === "invalid_credentials" || reason === "throttled" ? reason : "other",
    });
  }

  /** Exports these queues' depth, drops and failures (read at each scrape). */
  watchQueues(queues: readonly WatchedQueue[]): void {
    this.queues.push(...queues);
  }

  /** The exposition for `GET /metrics`. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private deploymentLabels(d: DeploymentLabels): Labels {
    return {
      litellm_model_name: this.limiter.value("litellm_model_name", d.providerModel),
      model_id: this.limiter.value("model_id", d.deploymentId),
      api_base: this.limiter.value("api_base", d.apiBase),
      api_provider: this.limiter.value("api_provider", d.provider),
    };
  }
}

function finite(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
