/**
 * The router's shared state behind one small port: in-flight counts, per-minute rpm/tpm usage,
 * latency samples, failure counts and cooldowns, per deployment id.
 *
 * The request path makes exactly two calls per attempt: `acquire` when picking and `release`
 * when the attempt ends. Both may answer synchronously (the memory store never allocates a
 * promise); the Redis store answers each with one round trip running one Lua script.
 */
export interface RouterStateStore {
  /** "memory" or "redis", for logs and health. */
  readonly backend: string;
  /**
   * What this instance currently knows about a deployment, for ranking candidates. Local and
   * synchronous: for Redis it is what the last round trip returned, so a strategy may rank on
   * a view a few milliseconds old. Limits and cooldowns are still enforced atomically by `acquire`.
   */
  view(id: string): DeploymentView;
  /**
   * Reserves the first candidate, in the given order, that is not cooling down and has room
   * under its rpm/tpm limits: counts one request against its current-minute rpm and one in-flight
   * call. Atomic across every instance sharing the store.
   */
  acquire(input: AcquireInput): AcquireResult | Promise<AcquireResult>;
  /** Ends an attempt: in-flight down, tokens into tpm, a latency sample, and failure accounting. */
  release(input: ReleaseInput): ReleaseResult | Promise<ReleaseResult>;
  /** Cooldown end (ms epoch, 0 when none) for each id, read from the source of truth. */
  cooldowns(ids: readonly string[], now: number): number[] | Promise<number[]>;
  status(): StoreStatus;
  close(): Promise<void>;
}

export interface DeploymentView {
  /** Cooldown end, ms epoch; 0 or past means not cooling down. */
  readonly cooldownUntil: number;
  readonly inflight: number;
  /** The minute (ms epoch / 60000, floored) that `rpm` and `tpm` count. */
  readonly minute: number;
  readonly rpm: number;
  readonly tpm: number;
  /** Mean of recent latency samples (ms, per output token when usage was known); NaN when none. */
  readonly latency: number;
  /** Mean of recent time-to-first-token samples (ms); NaN when none. */
  readonly ttft: number;
  /** When the latest latency sample was taken (ms epoch); samples older than the ttl are stale. */
  readonly sampledAt: number;
}

/** What acquire needs of a candidate; a `Deployment` is one. */
export interface DeploymentLimits {
  readonly id: string;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
}

export interface AcquireInput {
  /** In preference order. */
  readonly candidates: readonly DeploymentLimits[];
  readonly now: number;
  /** Estimated input tokens: a candidate whose tpm use plus these would pass its limit is skipped. */
  readonly tokens: number;
  /** Whether the strategy ranks by latency (the Redis store then refreshes latency views). */
  readonly withLatency: boolean;
  /**
   * Whether the strategy ranks on counts every instance shares (in-flight, rpm/tpm usage):
   * then the Redis store reads them on every acquire. Only an explicit false lets it pick
   * locally (when no candidate has an rpm/tpm limit either).
   */
  readonly sharedCounts?: boolean;
}

export interface AcquireResult {
  /** Index of the reserved candidate, or -1 when none could take the call. */
  readonly index: number;
  /** With index -1: how many were cooling down and how many at an rpm/tpm limit. */
  readonly cooling: number;
  readonly limited: number;
  /** With index -1: when the earliest of them frees up (ms epoch). */
  readonly retryAt: number;
}

export type FailureMode =
  /** Does not count against the deployment (a client error such as a 400). */
  | "none"
  /** Counts towards allowed fails in the current minute; past them, a cooldown. */
  | "count"
  /** Cools the deployment down at once (429, 401, 404, 408). */
  | "immediate";

export interface ReleaseInput {
  readonly id: string;
  readonly now: number;
  /** False when acquire was not called for this attempt (nothing in flight to take back). */
  readonly acquired: boolean;
  /** Tokens the call used, added to the current minute's tpm. */
  readonly tokens: number;
  readonly latencySample?: number;
  readonly ttftSample?: number;
  readonly failure?: {
    readonly mode: FailureMode;
    readonly allowedFails: number;
    readonly cooldownMs: number;
  };
}

export interface ReleaseResult {
  /** Cooldown end when the deployment is (now) cooling down, else 0. */
  readonly cooldownUntil: number;
}

export interface StoreStatus {
  readonly backend: string;
  /** False when a shared store is unreachable and this instance runs on local state. */
  readonly healthy: boolean;
  readonly degradedSince?: number;
  readonly lastError?: string;
}

export function minuteOf(now: number): number {
  return Math.floor(now / 60_000);
}

export function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
