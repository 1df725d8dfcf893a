import {
  Alerter,
  AlertingConfigError,
  redisAlertClaimer,
  resolveAlertingConfig,
  type AlertClaimer,
  type AlertingSettings,
  type Logger,
} from "@org/observability";
import { connectRedis, type RedisConnection } from "@org/router";

/**
 * `general_settings.alerting` / `alerting_threshold` / `alert_types` / `alerting_args` with
 * SLACK_WEBHOOK_URL (or ALERTING_WEBHOOK_URL) and WEBHOOK_URL: an Alerter, or undefined when
 * alerting is off. A bad value (or a channel without its URL) stops startup with a message
 * naming the key, as other config errors do. With the gateway's Redis, instances share the
 * once-per-window dedupe (one alert for the fleet, not one per instance).
 */
export function buildAlerter(options: {
  settings: AlertingSettings | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** The gateway's Redis (router_settings, else REDIS_URL): alerts deduped across instances. */
  redis?: RedisConnection | undefined;
  /** Prefix of the shared claim keys (tests give each gateway group its own). */
  claimKeyPrefix?: string;
}): Alerter | undefined {
  const { logger } = options;
  let resolved;
  try {
    resolved = resolveAlertingConfig(options.settings ?? {}, options.env);
  } catch (error) {
    if (error instanceof AlertingConfigError) throw new Error(error.message);
    throw error;
  }
  if (resolved === undefined) return undefined;
  const { unsupportedTypes, unsupportedChannels, ...alerterOptions } = resolved;
  if (unsupportedTypes.length > 0) {
    logger.warn(
      `general_settings.alert_types ${unsupportedTypes.join(", ")} are accepted but not yet supported; they raise no alerts`,
    );
  }
  if (unsupportedChannels.length > 0) {
    logger.warn(
      `general_settings.alerting ${unsupportedChannels.join(", ")}: not delivered (slack and webhook are)`,
    );
  }
  logger.info(`alerting to ${alerterOptions.channels.join(", ")}`);
  const claimer = options.redis
    ? sharedClaimer(options.redis, options.claimKeyPrefix, logger)
    : undefined;
  return new Alerter({ ...alerterOptions, logger, ...(claimer ? { claimer } : {}) });
}

/**
 * Its own small client. A claim waits at most the claimer's bound (500 ms), also while the client
 * is still connecting (the offline queue holds it; one try per reconnect, then it fails): when
 * Redis cannot answer the alert is sent anyway, so an outage costs duplicates, never silence.
 */
function sharedClaimer(
  redis: RedisConnection,
  prefix: string | undefined,
  logger: Logger,
): AlertClaimer {
  const client = connectRedis(redis, { maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  // ioredis reports connection errors as events: without a listener they would be thrown.
  client.on("error", () => undefined);
  const claimer = redisAlertClaimer(client, {
    ...(prefix !== undefined ? { prefix } : {}),
    logger,
  });
  return {
    claim: claimer.claim,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
