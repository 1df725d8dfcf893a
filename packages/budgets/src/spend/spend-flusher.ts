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
  /** Stops the timer and writes what is left (call on shutdown). */
  stop(): Promise<void>;
}

/**
 * Moves spend from the journal to the database in batches, off the request path: a timer drains
 * the journal every `intervalMs`, one flush at a time. A failed batch stays in the journal and is
 * retried on the next tick, so a database outage delays spend but never drops it.
 */
export function createSpendFlusher(options: SpendFlusherOptions): SpendFlusher {
  const { journal, writer } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const logger = options.logger ?? silentLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const drain = async (): Promise<number> => {
    let written = 0;
    for (;;) {
      const entries = await journal.read(batchSize);
      if (entries.length === 0) break;
      await writer.write(entries.map((e) => e.record));
      await journal.ack(entries.map((e) => e.id));
      written += entries.length;
    }
    return written;
  };

  const flush = (): Promise<number> => {
    if (running) return running.then(flush, flush);
    running = drain().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    flush().catch((error: unknown) => {
      logger.error("spend flush failed; will retry", { error: String(error) });
    });
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
      await flush();
    },
  };
}
