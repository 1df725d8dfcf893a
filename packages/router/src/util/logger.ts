/** The logger the app passes in (never a global). Fields must not contain secrets. */
export interface RouterLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = () => {};

export const silentLogger: RouterLogger = { debug: noop, info: noop, warn: noop, error: noop };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
