import { LOG_LEVEL_ORDER, type LogLevel, type Logger } from "./logger.ts";
import { redactFields, redactValue } from "./redact-fields.ts";

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** JSON lines (production) or `LEVEL message key=value` (a terminal). */
  format?: "json" | "pretty";
  /** Where lines go; defaults to process.stderr. Tests pass an array sink. */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
}

/**
 * A small structured logger. Per-request code should not log on the success path; this is for
 * startup, errors and warnings, so a plain stream write is enough (no worker thread).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const threshold = LOG_LEVEL_ORDER[options.level ?? "info"];
  const format = options.format ?? "json";
  const write = options.write ?? ((line: string) => void process.stderr.write(line + "\n"));
  const bindings = options.bindings ?? {};

  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVEL_ORDER[level] < threshold) return;
    const safe = redactFields({ ...bindings, ...fields }) as Record<string, unknown>;
    if (format === "json") {
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level,
          msg: redactValue(message),
          ...safe,
        }),
      );
    } else {
      const extras = Object.entries(safe)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      write(
        `${level.toUpperCase().padEnd(5)} ${redactValue(message)}${extras ? " " + extras : ""}`,
      );
    }
  };

  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...options, bindings: { ...bindings, ...fields } }),
  };
}

export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => noopLogger,
};
