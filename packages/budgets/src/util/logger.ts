/** The logging this package needs; `@org/observability`'s Logger satisfies it. */
export interface BudgetsLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: BudgetsLogger = { warn() {}, error() {} };
