/**
 * The logger every package accepts as an argument (never a global). Fields are structured;
 * the sink decides the format. Values that look like secrets are redacted by the sink.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /**
   * Whether a line at `level` would be written. Optional so that hand-written loggers (tests)
   * still fit; callers that build costly fields check it first (absent means "yes").
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

export const LOG_LEVEL_ORDER: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
