import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import { createMemorySpendJournal } from "./memory-spend-journal.ts";
import { createSpendFlusher } from "./spend-flusher.ts";
import type { SpendRecord } from "./spend-record.ts";
import type { SpendWriter } from "./spend-writer.ts";

/**
 * The flusher's timer stops at the first short batch (spend-flusher.ts); flush() and stop()
 * write until the journal is empty. Under a failing database, a drain stopped by shutdown and
 * traffic that keeps arriving, every record must reach the writer, and only once.
 */
describe("createSpendFlusher on its timer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A writer that fails while `down`, can be held mid-write, and keeps what it wrote. */
  function controlledWriter() {
    const written: SpendRecord[] = [];
    const batches: number[] = [];
    const state = { down: false, hold: undefined as Promise<void> | undefined };
    const writer: SpendWriter = {
      async write(records) {
        if (state.hold) await state.hold;
        if (state.down) throw new Error("database down");
        batches.push(records.length);
        written.push(...records);
        return records.length;
      },
    };
    const ids = () => written.map((r) => r.requestId);
    return { writer, written, batches, state, ids };
  }

  const appendN = (
    journal: ReturnType<typeof createMemorySpendJournal>,
    n: number,
    tag: string,
  ) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const record = spendRecord({ requestId: `${tag}-${i}` });
      ids.push(record.requestId);
      journal.append(record);
    }
    return ids;
  };

  it("a failing database on its timer: the batch stays, is logged, and is written on a later tick, once", async () => {
    const journal = createMemorySpendJournal();
    const w = controlledWriter();
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const flusher = createSpendFlusher({ journal, writer: w.writer, batchSize: 10, logger });
    const expected = appendN(journal, 25, "a");
    w.state.down = true;
    flusher.start();
    await vi.advanceTimersByTimeAsync(2_500); // three ticks, each failing at the first batch
    expect(w.written).toEqual([]);
    expect(errors).toEqual(Array(3).fill("spend flush failed; will retry"));
    expect(await journal.pending()).toBe(25);
    w.state.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    // The backlog back to back on one tick (10, 10, 5).
    expect(w.batches).toEqual([10, 10, 5]);
    expect(w.ids()).toEqual(expected);
    expect(await journal.pending()).toBe(0);
    await flusher.stop();
    expect(w.ids()).toEqual(expected);
  });

  it("stop() while a timer drain is mid-write waits for it, then writes the rest, and what arrives meanwhile", async () => {
    const journal = createMemorySpendJournal();
    const w = controlledWriter();
    const flusher = createSpendFlusher({ journal, writer: w.writer, batchSize: 10 });
    const first = appendN(journal, 15, "before");
    let open!: () => void;
    w.state.hold = new Promise((resolve) => (open = resolve));
    flusher.start(); // the tick's first batch is now held in the writer
    await vi.advanceTimersByTimeAsync(0);
    const stopped = flusher.stop();
    const during = appendN(journal, 12, "during");
    w.state.hold = undefined;
    open();
    await stopped;
    expect(w.ids().sort()).toEqual([...first, ...during].sort());
    expect(new Set(w.ids()).size).toBe(27);
    expect(await journal.pending()).toBe(0);
    // The timer is gone: nothing more is read.
    const after = appendN(journal, 3, "after");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await journal.pending()).toBe(after.length);
  });

  it("stop() keeps writing while records keep arriving during its batches, until the journal is empty", async () => {
    const journal = createMemorySpendJournal();
    const written: string[] = [];
    let arrivals = 5;
    // Requests still finishing during shutdown: each batch written lets 7 more records in.
    const writer: SpendWriter = {
      async write(records) {
        written.push(...records.map((r) => r.requestId));
        if (arrivals-- > 0) appendN(journal, 7, `late${arrivals}`);
        return records.length;
      },
    };
    appendN(journal, 3, "early");
    const flusher = createSpendFlusher({ journal, writer, batchSize: 10 });
    await flusher.stop();
    expect(written).toHaveLength(3 + 5 * 7);
    expect(new Set(written).size).toBe(written.length);
    expect(await journal.pending()).toBe(0);
  });

  it("flush() called while a timer drain runs writes to empty, not just to the timer's short batch", async () => {
    const journal = createMemorySpendJournal();
    const w = controlledWriter();
    const flusher = createSpendFlusher({ journal, writer: w.writer, batchSize: 10 });
    appendN(journal, 5, "a");
    let open!: () => void;
    w.state.hold = new Promise((resolve) => (open = resolve));
    flusher.start();
    await vi.advanceTimersByTimeAsync(0);
    appendN(journal, 4, "b"); // arrives during the tick's short batch
    const flushed = flusher.flush();
    w.state.hold = undefined;
    open();
    await flushed;
    expect(w.batches).toEqual([5, 4]);
    expect(await journal.pending()).toBe(0);
    await flusher.stop();
  });
});
