import { createLogger, type LogLevel, type Logger } from "@org/observability";

export interface GatewayLogSettings {
  level: LogLevel;
  format: "json" | "pretty";
}

/**
 * What LiteLLM's operators set, in order: `LOG_FORMAT` (ours, explicit) wins; then
 * `litellm_settings.json_logs` (true: JSON lines, false: readable lines, as LiteLLM's text
 * logs); then `NODE_ENV=production` means JSON; then readable lines in a terminal and JSON
 * when stderr is a pipe or a file (a log collector). The level is `LITELLM_LOG` (already
 * parsed from LiteLLM's names) or our `LOG_LEVEL`.
 */
export function gatewayLogSettings(input: {
  env: {
    LITELLM_LOG?: LogLevel | undefined;
    LOG_LEVEL: LogLevel;
    LOG_FORMAT?: "json" | "pretty" | undefined;
    NODE_ENV?: string | undefined;
  };
  jsonLogs?: boolean | undefined;
  stderrIsTTY: boolean;
}): GatewayLogSettings {
  const { env } = input;
  const level = env.LITELLM_LOG ?? env.LOG_LEVEL;
  const format =
    env.LOG_FORMAT ??
    (input.jsonLogs !== undefined
      ? input.jsonLogs
        ? "json"
        : "pretty"
      : env.NODE_ENV === "production"
        ? "json"
        : input.stderrIsTTY
          ? "pretty"
          : "json");
  return { level, format };
}

/** The process's logger (stderr; JSON asynchronously, see @org/observability). */
export function createGatewayLogger(settings: GatewayLogSettings): Logger {
  return createLogger(settings);
}
