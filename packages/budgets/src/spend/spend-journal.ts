import type { MaybePromise } from "../util/maybe-promise.ts";
import type { SpendRecord } from "./spend-record.ts";

export interface JournalEntry {
  readonly id: string;
  readonly record: SpendRecord;
}

/**
 * Where a request's spend goes the moment it is known, before the database sees it. The flusher
 * drains it in batches; an entry leaves the journal only when its batch is committed.
 */
export interface SpendJournal {
  /**
   * True when what the journal holds outlives this process (Redis). A shutdown that cannot write
   * the rest of a journal that is not durable logs every record left, its only trace.
   */
  readonly durable?: boolean;
  /** Records one request. Durable when it resolves (Redis) or queued in this process (memory). */
  append(record: SpendRecord): MaybePromise<void>;
  /**
   * Up to `max` entries not yet acknowledged, oldest first; after a crash this includes the
   * entries the dead writer had taken but not acknowledged.
   */
  read(max: number): Promise<readonly JournalEntry[]>;
  /** The entries' spend is committed: drop them. */
  ack(ids: readonly string[]): Promise<void>;
  /** Entries waiting (for health checks and tests). */
  pending(): Promise<number>;
  close(): Promise<void>;
}
