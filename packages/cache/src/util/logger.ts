/** The logging this package needs; `@org/observability`'s Logger satisfies it. */
export interface CacheLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: CacheLogger = { warn() {}, error() {} };
