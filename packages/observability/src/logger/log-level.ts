import type { LogLevel } from "./logger.ts";

/**
 * LiteLLM's `LITELLM_LOG` names (Python's logging levels) and ours, in any case: `DEBUG`,
 * `INFO`, `WARNING` / `WARN`, `ERROR`, `CRITICAL` (an error here: nothing logs above it).
 * Undefined for anything else, so the caller can refuse it with a message naming the variable.
 */
export function parseLogLevel(value: string): LogLevel | undefined {
  switch (value.trim().toLowerCase()) {
    case "debug":
      return "debug";
    case "info":
      return "info";
    case "warning":
    case "warn":
      return "warn";
    case "error":
    case "critical":
      return "error";
    default:
      return undefined;
  }
}
