import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import type { LogLevel, Logger } from "./logger.ts";
import { prettyLine } from "./pretty-line.ts";
import { redactFields, redactValue } from "./redact-fields.ts";

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** JSON lines (production) or `time LEVEL message key=value` (a terminal). */
  format?: "json" | "pretty";
  /**
   * Where lines go (one call per line, without the newline), synchronously: tests pass an
   * array sink. Without it, JSON goes to stderr through pino's asynchronous destination.
   */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
}

/**
 * Field paths pino censors before anything else looks at the record (compiled once by
 * pino's redactor). The deep pass below (`redactFields`) still catches these names at any
 * depth and secret-looking values (`sk-…`, `Bearer …`) under any name.
 */
const REDACT_PATHS = [
  "api_key",
  "apiKey",
  "authorization",
  "master_key",
  "password",
  "secret",
  "token",
  "*.api_key",
  "*.apiKey",
  "*.authorization",
  "*.master_key",
  "*.password",
  "*.secret",
  "*.token",
  'headers["x-api-key"]',
  "headers.authorization",
];

/**
 * The gateway's structured logger, on pino: JSON lines written asynchronously (pino's
 * SonicBoom destination, flushed on exit) so a request never waits on stderr, levels checked
 * before any work, and every line redacted (field names that look like secrets, values that
 * look like keys) before it is serialized. Request-scoped code passes `request_id` (the call
 * id) as a field: an AsyncLocalStorage would find it by itself, but on Node 20 it turns on
 * promise hooks for every promise of every request, a cost paid even when nothing is logged.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const format = options.format ?? "json";
  const root = pino(
    {
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => redactFields(record) as Record<string, unknown>,
      },
    },
    destinationFor(format, options.write),
  );
  return wrap(root).child(options.bindings ?? {});
}

function destinationFor(
  format: "json" | "pretty",
  write: ((line: string) => void) | undefined,
): DestinationStream {
  const out =
    write ??
    (format === "pretty"
      ? // A developer's terminal: plain synchronous writes, nothing to lose on a crash.
        (line: string) => void process.stderr.write(line + "\n")
      : undefined);
  if (out === undefined) return pino.destination({ dest: 2, sync: false });
  return {
    write(chunk: string) {
      const line = chunk.endsWith("\n") ? chunk.slice(0, -1) : chunk;
      out(format === "pretty" ? prettyLine(JSON.parse(line) as Record<string, unknown>) : line);
    },
  };
}

/** pino's `(fields, message)` behind the `(message, fields)` Logger every package calls. */
function wrap(log: PinoLogger): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (!log.isLevelEnabled(level)) return;
      log[level](fields ?? {}, redactValue(message));
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    // Bindings are serialized once, at creation, past formatters.log: redacted here.
    child: (fields) => wrap(log.child(redactFields(fields) as Record<string, unknown>)),
    isLevelEnabled: (level) => log.isLevelEnabled(level),
  };
}

export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => noopLogger,
  isLevelEnabled: () => false,
};
