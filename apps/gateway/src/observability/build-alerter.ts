import {
  Alerter,
  AlertingConfigError,
  resolveAlertingConfig,
  type AlertingSettings,
  type Logger,
} from "@org/observability";

/**
 * `general_settings.alerting` / `alerting_threshold` / `alert_types` / `alerting_args` with
 * SLACK_WEBHOOK_URL (or ALERTING_WEBHOOK_URL) and WEBHOOK_URL: an Alerter, or undefined when
 * alerting is off. A bad value (or a channel without its URL) stops startup with a message
 * naming the key, as other config errors do.
 */
export function buildAlerter(options: {
  settings: AlertingSettings | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
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
  return new Alerter({ ...alerterOptions, logger });
}
