import type { JournalEntry, SpendJournal } from "./spend-journal.ts";
import type { SpendRecord } from "./spend-record.ts";

/**
 * The write-behind queue of a single instance without Redis: appends are synchronous and free of
 * I/O; the flusher writes them within its interval and once more on shutdown. What a crash
 * (kill -9) catches in here is lost: use the Redis journal where that matters.
 */
export function createMemorySpendJournal(): SpendJournal {
  let queue: JournalEntry[] = [];
  let next = 0;
  return {
    append(record: SpendRecord) {
      queue.push({ id: String(next++), record });
    },
    read(max) {
      return Promise.resolve(queue.slice(0, max));
    },
    ack(ids) {
      if (ids.length > 0) {
        const done = new Set(ids);
        queue = queue.filter((entry) => !done.has(entry.id));
      }
      return Promise.resolve();
    },
    pending() {
      return Promise.resolve(queue.length);
    },
    close() {
      return Promise.resolve();
    },
  };
}
