import type { EventObserver } from "../events/request-event-bus.ts";
import type { RequestEvent } from "../events/request-event.ts";
import { noopLogger } from "../logger/create-logger.ts";
import type { Logger } from "../logger/logger.ts";
import { SinkQueue, type SinkQueueOptions, type SinkQueueStats } from "../sinks/sink-queue.ts";
import type { Alert, AlertEventGroup, AlertFieldValue, AlertLevel } from "./alert.ts";
import {
  createAlertChannelSink,
  type AlertChannel,
  type AlertChannelSink,
} from "./alert-channel-sink.ts";
import { AlertDeduper } from "./alert-deduper.ts";
import type { AlertClaimer } from "./shared-alert-claim.ts";
import type {
  BudgetInput,
  CooldownInput,
  ExpiryInput,
  SinkFailingInput,
  SlowResponseInput,
} from "./alert-inputs.ts";
import {
  BUDGET_EVENT_GROUP,
  budgetFields,
  budgetSubject,
  scopeName,
  usd,
} from "./budget-alert-fields.ts";
import {
  CONDITION_ALERT_TYPE,
  IMPLEMENTED_ALERT_TYPES,
  type AlertCondition,
  type AlertType,
} from "./alert-types.ts";

export interface AlerterOptions {
  /** `general_settings.alerting`: where alerts go. */
  readonly channels: readonly AlertChannel[];
  /** `general_settings.alert_types`; unset: every type this gateway implements. */
  readonly alertTypes?: readonly AlertType[];
  /** `alerting_threshold`: a response slower than this many seconds alerts. Default 300. */
  readonly slowThresholdSeconds?: number;
  /** SLACK_WEBHOOK_URL, passed in by the caller: this package reads no environment variables. */
  readonly slackWebhookUrl?: string;
  /** WEBHOOK_URL, and the headers to send it (e.g. a bearer token). */
  readonly webhookUrl?: string;
  readonly webhookHeaders?: Readonly<Record<string, string>>;
  /** Each condition alerts at most once per window. A number for all, or per condition. */
  readonly windowMs?: number | Partial<Record<AlertCondition, number>>;
  /** How long before expiry a key or team alerts. Default 7 days. */
  readonly expiryWarningMs?: number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly requestTimeoutMs?: number;
  readonly queue?: Omit<SinkQueueOptions, "logger" | "now" | "maxBatch">;
  readonly logger?: Logger;
  readonly maxTrackedConditions?: number;
  /**
   * Dedupes across gateway instances (e.g. `redisAlertClaimer`): after this instance's own
   * once-per-window check, the alert is sent only if the claim is won. Without it each
   * instance alerts once per condition per window.
   */
  readonly claimer?: AlertClaimer;
}

/** LiteLLM's `budget_alert_ttl` default (24 h) for budgets and expiry; 10 minutes for the rest. */
export const DEFAULT_ALERT_WINDOWS_MS: Readonly<Record<AlertCondition, number>> = {
  soft_budget_crossed: 86_400_000,
  budget_exceeded: 86_400_000,
  near_expiry: 86_400_000,
  deployment_cooled_down: 600_000,
  slow_response: 600_000,
  sink_failing: 600_000,
};

export interface AlerterStats {
  /** Alerts handed to the channels. */
  readonly raised: number;
  /** Occurrences folded into an earlier alert of the same condition. */
  readonly suppressed: number;
  readonly channels: Readonly<
    Partial<Record<AlertChannel, SinkQueueStats & { readonly rejected: number }>>
  >;
}

/**
 * Alerts for `general_settings.alerting`. One method per condition, each taking plain data
 * and safe to call on every request: it checks the condition itself (spend over the budget,
 * duration over the threshold, expiry inside the warning), dedupes per condition per window,
 * and hands the alert to one bounded SinkQueue per channel, so a dead Slack or webhook never
 * slows or fails a request. Every method returns whether an alert was raised; none throws.
 */
export class Alerter implements EventObserver {
  private readonly enabled: ReadonlySet<AlertType>;
  private readonly thresholdMs: number;
  private readonly windows: Readonly<Record<AlertCondition, number>>;
  private readonly expiryWarningMs: number;
  private readonly now: () => number;
  private readonly deduper: AlertDeduper;
  private readonly queues = new Map<AlertChannel, SinkQueue<Alert>>();
  private readonly sinks = new Map<AlertChannel, AlertChannelSink>();
  private readonly lastSinkStats = new Map<string, { failed: number; dropped: number }>();
  private raisedCount = 0;
  private claimedElsewhere = 0;
  /** Claims still in flight: close() waits for them (each is bounded by the claimer). */
  private readonly pendingClaims = new Set<Promise<void>>();
  private readonly claimer: AlertClaimer | undefined;

  constructor(options: AlerterOptions) {
    this.enabled = new Set(options.alertTypes ?? IMPLEMENTED_ALERT_TYPES);
    this.thresholdMs = (options.slowThresholdSeconds ?? 300) * 1_000;
    const windowMs = options.windowMs;
    this.windows =
      typeof windowMs === "number"
        ? mapConditions(() => windowMs)
        : { ...DEFAULT_ALERT_WINDOWS_MS, ...windowMs };
    this.expiryWarningMs = options.expiryWarningMs ?? 7 * 86_400_000;
    this.now = options.now ?? Date.now;
    this.deduper = new AlertDeduper({ now: this.now, maxTracked: options.maxTrackedConditions });
    this.claimer = options.claimer;
    const logger = (options.logger ?? noopLogger).child({ component: "alerting" });
    for (const channel of new Set(options.channels)) {
      const url = channel === "slack" ? options.slackWebhookUrl : options.webhookUrl;
      if (url === undefined || url === "") {
        throw new Error(
          channel === "slack"
            ? 'alerting: ["slack"] needs SLACK_WEBHOOK_URL'
            : 'alerting: ["webhook"] needs WEBHOOK_URL',
        );
      }
      const sink = createAlertChannelSink({
        channel,
        url,
        headers: channel === "webhook" ? options.webhookHeaders : undefined,
        fetch: options.fetch,
        requestTimeoutMs: options.requestTimeoutMs,
        logger,
      });
      this.sinks.set(channel, sink);
      this.queues.set(
        channel,
        new SinkQueue(sink, {
          capacity: 1_000,
          flushIntervalMs: 0,
          retryBaseMs: 500,
          ...options.queue,
          maxBatch: 1,
          logger,
          now: this.now,
        }),
      );
    }
  }

  /** Spend reached the soft budget (and the hard one is not yet crossed). */
  softBudgetCrossed(input: BudgetInput): boolean {
    const soft = input.softBudget;
    if (soft === undefined || !(input.spend >= soft)) return false;
    if (input.maxBudget !== undefined && input.spend >= input.maxBudget) return false;
    return this.raise("soft_budget_crossed", budgetSubject(input), {
      event: "soft_budget_crossed",
      eventGroup: BUDGET_EVENT_GROUP[input.scope],
      level: "Medium",
      title: "Soft budget crossed",
      message: `${scopeName(input)} spend ${usd(input.spend)} reached its soft budget ${usd(soft)}`,
      fields: budgetFields(input),
    });
  }

  /** Spend reached the max budget: requests are now refused. */
  budgetExceeded(input: BudgetInput): boolean {
    const max = input.maxBudget;
    if (max === undefined || !(input.spend >= max)) return false;
    return this.raise("budget_exceeded", budgetSubject(input), {
      event: "budget_crossed",
      eventGroup: BUDGET_EVENT_GROUP[input.scope],
      level: "High",
      title: "Budget exceeded",
      message: `${scopeName(input)} spend ${usd(input.spend)} reached its max budget ${usd(max)}; requests are refused`,
      fields: budgetFields(input),
    });
  }

  /** The key or team expires within the warning period (and has not expired yet). */
  nearExpiry(input: ExpiryInput): boolean {
    const left = input.expiresAt - this.now();
    if (!(left > 0 && left <= this.expiryWarningMs)) return false;
    const hours = Math.round(left / 3_600_000);
    return this.raise("near_expiry", `${input.scope}:${input.id}`, {
      event: `${input.scope}_expiring`,
      eventGroup: input.scope,
      level: "Medium",
      title: `${input.scope === "key" ? "Key" : "Team"} expires soon`,
      message: `${scopeName(input)} expires in about ${hours} h (${new Date(input.expiresAt).toISOString()})`,
      fields: {
        ...(input.scope === "key"
          ? { token: input.id, key_alias: input.alias ?? null }
          : { team_id: input.id, team_alias: input.alias ?? null }),
        expires: new Date(input.expiresAt).toISOString(),
      },
    });
  }

  deploymentCooledDown(input: CooldownInput): boolean {
    return this.raise("deployment_cooled_down", input.deploymentId, {
      event: "cooldown_deployment",
      eventGroup: "proxy",
      level: "Medium",
      title: "Deployment cooled down",
      message: `Deployment ${input.deploymentId} of ${input.modelGroup} is in cooldown${
        input.cooldownSeconds !== undefined ? ` for ${input.cooldownSeconds} s` : ""
      }${input.errorClass !== undefined ? ` after ${input.errorClass}` : ""}`,
      fields: {
        model_group: input.modelGroup,
        model_id: input.deploymentId,
        api_provider: input.provider ?? null,
        api_base: input.apiBase ?? null,
        cooldown_seconds: input.cooldownSeconds ?? null,
        exception_class: input.errorClass ?? null,
        exception_status: input.errorStatus ?? null,
      },
    });
  }

  /** A response took longer than `alerting_threshold`; once per deployment per window. */
  slowResponse(input: SlowResponseInput): boolean {
    if (!(input.durationMs > this.thresholdMs)) return false;
    return this.raise("slow_response", `${input.modelGroup}:${input.deploymentId ?? ""}`, {
      event: "llm_too_slow",
      eventGroup: "proxy",
      level: "Low",
      title: "Slow responses",
      message: `${input.modelGroup} took ${(input.durationMs / 1_000).toFixed(1)} s, over the ${
        this.thresholdMs / 1_000
      } s alerting threshold`,
      fields: {
        model_group: input.modelGroup,
        model_id: input.deploymentId ?? null,
        api_provider: input.provider ?? null,
        api_base: input.apiBase ?? null,
        duration_seconds: Math.round(input.durationMs) / 1_000,
        threshold_seconds: this.thresholdMs / 1_000,
        call_id: input.callId ?? null,
      },
    });
  }

  /** A sink gave events up or dropped them. */
  sinkFailing(input: SinkFailingInput): boolean {
    if (!(input.failed > 0 || input.dropped > 0)) return false;
    return this.raise("sink_failing", input.sink, {
      event: "sink_failing",
      eventGroup: "proxy",
      level: "High",
      title: "Logging sink failing",
      message: `Sink ${input.sink} gave up ${input.failed} events and dropped ${input.dropped}`,
      fields: { callback_name: input.sink, failed: input.failed, dropped: input.dropped },
    });
  }

  /**
   * Compares each queue's failed/dropped counts with the last check and alerts on growth.
   * The gateway calls it on an interval (see `watchSinkQueues`). The alerter's own queues
   * must not be passed: a dead alert channel cannot alert about itself.
   */
  checkSinkQueues(queues: readonly Pick<SinkQueue<unknown>, "name" | "stats">[]): void {
    for (const queue of queues) {
      const stats = queue.stats();
      const last = this.lastSinkStats.get(queue.name) ?? { failed: 0, dropped: 0 };
      this.lastSinkStats.set(queue.name, { failed: stats.failed, dropped: stats.dropped });
      this.sinkFailing({
        sink: queue.name,
        failed: stats.failed - last.failed,
        dropped: stats.dropped - last.dropped,
      });
    }
  }

  /** `checkSinkQueues` every `intervalMs` (unref'd); returns the function that stops it. */
  watchSinkQueues(
    queues: readonly Pick<SinkQueue<unknown>, "name" | "stats">[],
    intervalMs = 30_000,
  ): () => void {
    const timer = setInterval(() => this.checkSinkQueues(queues), intervalMs);
    (timer as { unref?: () => void }).unref?.();
    return () => clearInterval(timer);
  }

  /**
   * As a RequestEventBus observer: the attempts that put a deployment into cooldown, and slow
   * successful responses (from the event's timings). Cheap when nothing alerts: a loop over
   * the attempts and one comparison.
   */
  observe(event: RequestEvent): void {
    for (const attempt of event.attempts ?? []) {
      if (attempt.cooledDown !== true) continue;
      this.deploymentCooledDown({
        deploymentId: attempt.deploymentId,
        modelGroup: attempt.modelGroup,
        errorClass: attempt.errorClass,
        errorStatus: attempt.errorStatus,
        ...(attempt.deploymentId === event.deploymentId
          ? { provider: event.provider, apiBase: event.apiBase }
          : {}),
      });
    }
    if (event.status !== "success" || event.cacheHit) return;
    const started = event.apiCallStartTime ?? event.startTime;
    const durationMs = event.endTime - started;
    if (!(durationMs > this.thresholdMs)) return;
    this.slowResponse({
      modelGroup: event.modelGroup ?? event.requestedModel,
      deploymentId: event.deploymentId,
      provider: event.provider,
      apiBase: event.apiBase,
      durationMs,
      callId: event.callId,
    });
  }

  isEnabled(condition: AlertCondition): boolean {
    return this.queues.size > 0 && this.enabled.has(CONDITION_ALERT_TYPE[condition]);
  }

  stats(): AlerterStats {
    const channels: Partial<Record<AlertChannel, SinkQueueStats & { rejected: number }>> = {};
    for (const [channel, queue] of this.queues) {
      channels[channel] = { ...queue.stats(), rejected: this.sinks.get(channel)?.rejected() ?? 0 };
    }
    return {
      raised: this.raisedCount,
      suppressed: this.deduper.suppressed() + this.claimedElsewhere,
      channels,
    };
  }

  /** The alerter's queues, e.g. for `PrometheusMetrics.watchQueues`. */
  channelQueues(): readonly SinkQueue<Alert>[] {
    return [...this.queues.values()];
  }

  /** Delivers what is queued (bounded by the timeout) and stops accepting alerts. */
  async close(options: { flushTimeoutMs?: number } = {}): Promise<void> {
    await Promise.all([...this.pendingClaims]);
    await Promise.all([...this.queues.values()].map((queue) => queue.close(options)));
    await this.claimer?.close?.().catch(() => undefined);
  }

  private raise(
    condition: AlertCondition,
    subject: string,
    alert: {
      event: string;
      eventGroup: AlertEventGroup;
      level: AlertLevel;
      title: string;
      message: string;
      fields: Record<string, AlertFieldValue>;
    },
  ): boolean {
    if (!this.isEnabled(condition)) return false;
    const key = `${condition}|${subject}`;
    const window = this.windows[condition];
    const occurrences = this.deduper.admit(key, window);
    if (occurrences === 0) return false;
    const full: Alert = {
      ...alert,
      condition,
      alertType: CONDITION_ALERT_TYPE[condition],
      timestamp: this.now(),
      occurrences,
    };
    if (this.claimer === undefined) {
      this.deliver(full);
      return true;
    }
    // Another instance may have sent it in this window: the shared claim decides (never rejects).
    const claim = this.claimer.claim(key, window).then((won) => {
      this.pendingClaims.delete(claim);
      if (won) this.deliver(full);
      else this.claimedElsewhere += 1;
    });
    this.pendingClaims.add(claim);
    return true;
  }

  private deliver(alert: Alert): void {
    this.raisedCount += 1;
    for (const queue of this.queues.values()) queue.publish(alert);
  }
}

function mapConditions(value: (c: AlertCondition) => number): Record<AlertCondition, number> {
  const out = {} as Record<AlertCondition, number>;
  for (const condition of Object.keys(DEFAULT_ALERT_WINDOWS_MS) as AlertCondition[]) {
    out[condition] = value(condition);
  }
  return out;
}
