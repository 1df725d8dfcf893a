import type { Logger } from "../logger/logger.ts";
import type { Sink } from "../sinks/sink-queue.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { postJson, urlOrigin } from "../webhooks/post-json.ts";
import type { Alert } from "./alert.ts";
import { toSlackPayload, toWebhookPayload } from "./alert-payloads.ts";

export type AlertChannel = "slack" | "webhook";

export interface AlertChannelSink extends Sink<Alert> {
  /** Alerts the receiver refused with a non-retryable 4xx (dropped, not retried). */
  rejected(): number;
}

/**
 * One channel's delivery, behind its own SinkQueue (batches of one: Slack and LiteLLM's
 * webhook both take one message per POST, and a retried batch of one never re-sends an
 * alert that already went through).
 */
export function createAlertChannelSink(options: {
  channel: AlertChannel;
  url: string;
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  logger: Logger;
  logIntervalMs?: number;
}): AlertChannelSink {
  const format = options.channel === "slack" ? toSlackPayload : toWebhookPayload;
  const logRejected = logOncePerInterval(options.logger, options.logIntervalMs ?? 60_000);
  let rejectedCount = 0;
  return {
    name: `alerting_${options.channel}`,
    rejected: () => rejectedCount,
    async deliver(batch) {
      for (const alert of batch) {
        const outcome = await postJson(options.url, JSON.stringify(format(alert)), {
          headers: options.headers,
          fetch: options.fetch,
          timeoutMs: options.requestTimeoutMs,
        });
        if (!outcome.ok) {
          rejectedCount += 1;
          logRejected("alert receiver refused the alert: dropped, not retried", {
            channel: options.channel,
            receiver: urlOrigin(options.url),
            status: outcome.status,
            rejected: rejectedCount,
          });
        }
      }
    },
  };
}
