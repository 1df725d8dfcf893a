import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { isPromise } from "../util/maybe-promise.ts";
import { REDIS_SCRIPT_PARTS, redisScriptPartsOf } from "../util/redis-script-parts.ts";
import { createMemorySpendJournal } from "./memory-spend-journal.ts";
import type { JournalEntry, SpendJournal } from "./spend-journal.ts";

const SPILL = "spill:";

/**
 * A journal that keeps spend when its primary (Redis) refuses a write: the record goes to an
 * in-process queue instead, which the flusher drains first. Only a crash during a Redis outage
 * can then lose spend, instead of every request served during it.
 */
export function withFallbackJournal(
  primary: SpendJournal,
  logger: BudgetsLogger = silentLogger,
): SpendJournal {
  const spill = createMemorySpendJournal();
  let spilledCount = 0;
  let warned = false;
  const journal: SpendJournal = {
    // Durable while nothing waits in the in-process spill queue.
    get durable() {
      return spilledCount === 0 && primary.durable === true;
    },
    append(record) {
      const spillIt = (error: unknown) => {
        if (!warned) {
          warned = true;
          logger.warn("spend journal unavailable; keeping spend in memory until it returns", {
            error: String(error),
          });
        }
        spilledCount++;
        return spill.append(record);
      };
      try {
        const appended = primary.append(record);
        if (isPromise(appended)) return appended.catch(spillIt);
        return appended;
      } catch (error) {
        return spillIt(error);
      }
    },
    async read(max) {
      const spilled = await spill.read(max);
      if (spilled.length > 0) {
        return spilled.map((e): JournalEntry => ({ id: SPILL + e.id, record: e.record }));
      }
      warned = false;
      return primary.read(max);
    },
    async ack(ids) {
      const spilled = ids.filter((id) => id.startsWith(SPILL)).map((id) => id.slice(SPILL.length));
      const rest = ids.filter((id) => !id.startsWith(SPILL));
      if (spilled.length > 0) {
        await spill.ack(spilled);
        spilledCount = await spill.pending();
      }
      if (rest.length > 0) await primary.ack(rest);
    },
    async pending() {
      return (await spill.pending()) + (await primary.pending().catch(() => 0));
    },
    close: () => primary.close(),
  };
  // The primary's script parts pass through: an append made inside another script goes to the
  // primary directly, and its caller falls back to `append` (this wrapper) when that fails.
  const parts = redisScriptPartsOf(primary);
  return parts === undefined ? journal : Object.assign(journal, { [REDIS_SCRIPT_PARTS]: parts });
}
