import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import type { SpendJournal } from "./spend-journal.ts";
import type { SpendWriter } from "./spend-writer.ts";

export interface SpendFlusherOptions {
  journal: SpendJournal;
  writer: SpendWriter;
  /** How often the journal is drained. Default 1 s: the longest spend waits before the database has it. */
  intervalMs?: number;
  /** Records per database transaction. Default 500. */
  batchSize?: number;
  logger?: BudgetsLogger;
}

export interface SpendFlusher {
  /** Drains now; starts with the entries a crashed predecessor left in the journal. */
  start(): void;
  /** Writes everything the journal holds; resolves with how many records were written. */
  flush(): Promise<number>;
  /**
   * Stops the timer and writes what is left (call on shutdown). Never rejects: what cannot be
   * written now is logged at error level (each record, when the journal does not outlive the
   * process; a count, when it does and the next start writes it).
   */
  stop(): Promise<void>;
}

/**
 * Moves spend from the journal to the database in batches, off the request path: a timer drains
 * the journal every `intervalMs`, one flush at a time. A failed batch stays in the journal and is
 * retried on the next tick, so a database outage delays spend but never drops it. A record the
 * database refuses for its content never fails a batch: the writer sets it aside
 * (`spend_logs_rejected`) and the batch is acknowledged.
 */
export function createSpendFlusher(options: SpendFlusherOptions): SpendFlusher {
  const { journal, writer } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const logger = options.logger ?? silentLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /**
   * Writes batches until the journal is empty, or, for the timer (`untilEmpty` false), until a
   * batch comes back short of `batchSize`: what arrives while a batch is being written waits
   * for the next tick. Draining to empty on every tick would chase the traffic: under steady
   * load each batch would hold only what arrived during the previous one's write (a few dozen
   * records), and the per-transaction work (the lock, the running totals, the journal's
   * read-and-acknowledge round trips) would be paid dozens of times a second instead of once.
   * A backlog (full batches) is still written back to back.
   */
  const drain = async (untilEmpty: boolean): Promise<number> => {
    let written = 0;
    for (;;) {
      const entries = await journal.read(batchSize);
      if (entries.length === 0) break;
      await writer.write(entries.map((e) => e.record));
      await journal.ack(entries.map((e) => e.id));
      written += entries.length;
      if (!untilEmpty && entries.length < batchSize) break;
    }
    return written;
  };

  const run = (untilEmpty: boolean): Promise<number> => {
    if (running)
      return running.then(
        () => run(untilEmpty),
        () => run(untilEmpty),
      );
    running = drain(untilEmpty).finally(() => {
      running = undefined;
    });
    return running;
  };
  const flush = () => run(true);

  const tick = () => {
    // A tick that finds a flush running skips: the running one writes what is there.
    if (running) return;
    run(false).catch((error: unknown) => {
      logger.error("spend flush failed; will retry", { error: String(error) });
    });
  };

  /** The last flush failed at shutdown: say what stays unwritten, never throw. */
  const logLeftovers = async (error: unknown) => {
    const pending = await journal.pending().catch(() => undefined);
    if (journal.durable === true) {
      logger.error("spend not written at shutdown; it stays in the journal for the next start", {
        error: String(error),
        pending,
      });
      return;
    }
    logger.error("spend not written at shutdown and the journal dies with this process", {
      error: String(error),
      pending,
    });
    // The in-process queue is lost on exit: each record's only trace is its log line.
    const entries = await journal.read(Number.MAX_SAFE_INTEGER).catch(() => []);
    for (const entry of entries) {
      logger.error("unwritten spend record", { record: JSON.stringify(entry.record) });
    }
  };

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    flush,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      try {
        await flush();
      } catch (error) {
        await logLeftovers(error);
      }
    },
  };
}
