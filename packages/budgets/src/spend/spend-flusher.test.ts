import { describe, expect, it, vi } from "vitest";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import type { SpendRecord } from "./spend-record.ts";
import { createMemorySpendJournal } from "./memory-spend-journal.ts";
import { createSpendFlusher } from "./spend-flusher.ts";
import type { SpendWriter } from "./spend-writer.ts";
import { withFallbackJournal } from "./fallback-spend-journal.ts";
import type { SpendJournal } from "./spend-journal.ts";

function recordingWriter() {
  const batches: SpendRecord[][] = [];
  let failures = 0;
  const writer: SpendWriter & { failNext(n: number): void } = {
    async write(records) {
      if (failures > 0) {
        failures--;
        throw new Error("database down");
      }
      batches.push([...records]);
      return records.length;
    },
    failNext(count) {
      failures = count;
    },
  };
  return { writer, batches };
}

describe("createSpendFlusher", () => {
  it("writes the journal in batches and drops only what was written", async () => {
    const journal = createMemorySpendJournal();
    const { writer, batches } = recordingWriter();
    for (let i = 0; i < 1201; i++) journal.append(spendRecord());
    const flusher = createSpendFlusher({ journal, writer, batchSize: 500 });
    expect(await flusher.flush()).toBe(1201);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 201]);
    expect(await journal.pending()).toBe(0);
  });

  it("keeps a failed batch for the next attempt", async () => {
    const journal = createMemorySpendJournal();
    const { writer, batches } = recordingWriter();
    journal.append(spendRecord());
    writer.failNext(1);
    const flusher = createSpendFlusher({ journal, writer });
    await expect(flusher.flush()).rejects.toThrow("database down");
    expect(await journal.pending()).toBe(1);
    expect(await flusher.flush()).toBe(1);
    expect(batches).toHaveLength(1);
  });

  it("writes what is left on stop (shutdown)", async () => {
    const journal = createMemorySpendJournal();
    const { writer, batches } = recordingWriter();
    const flusher = createSpendFlusher({ journal, writer, intervalMs: 60_000 });
    flusher.start();
    journal.append(spendRecord());
    journal.append(spendRecord());
    await flusher.stop();
    expect(batches.flat()).toHaveLength(2);
  });

  it("never rejects on stop: a journal that dies with the process logs every record left", async () => {
    const journal = createMemorySpendJournal();
    const { writer } = recordingWriter();
    const errors: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      warn() {},
      error: (message: string, fields?: Record<string, unknown>) =>
        errors.push({ message, fields }),
    };
    journal.append(spendRecord({ requestId: "left-1" }));
    journal.append(spendRecord({ requestId: "left-2" }));
    writer.failNext(1);
    await createSpendFlusher({ journal, writer, logger }).stop();
    expect(errors[0]!.message).toContain("dies with this process");
    expect(errors[0]!.fields).toMatchObject({ error: "Error: database down", pending: 2 });
    const lines = errors.filter((e) => e.message === "unwritten spend record");
    expect(lines.map((e) => JSON.parse(String(e.fields!.record)).requestId)).toEqual([
      "left-1",
      "left-2",
    ]);
  });

  it("never rejects on stop: a durable journal keeps the rest for the next start and says so", async () => {
    const memory = createMemorySpendJournal();
    const journal: SpendJournal = { ...memory, durable: true };
    const { writer } = recordingWriter();
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    memory.append(spendRecord());
    writer.failNext(1);
    await createSpendFlusher({ journal, writer, logger }).stop();
    expect(errors).toEqual([
      "spend not written at shutdown; it stays in the journal for the next start",
    ]);
    expect(await journal.pending()).toBe(1);
  });

  it("serialises concurrent flushes", async () => {
    const journal = createMemorySpendJournal();
    const { writer, batches } = recordingWriter();
    for (let i = 0; i < 10; i++) journal.append(spendRecord());
    const flusher = createSpendFlusher({ journal, writer });
    await Promise.all([flusher.flush(), flusher.flush(), flusher.flush()]);
    expect(batches.flat()).toHaveLength(10);
  });

  it("on its timer, leaves what arrived during a short batch for the next tick; a backlog goes back to back", async () => {
    vi.useFakeTimers();
    try {
      const journal = createMemorySpendJournal();
      const batches: number[] = [];
      // Traffic: while each of the first two short batches is written, 7 requests append theirs.
      let arrivals = 2;
      const writer: SpendWriter = {
        async write(records) {
          batches.push(records.length);
          if (records.length < 10 && arrivals-- > 0) {
            for (let i = 0; i < 7; i++) journal.append(spendRecord());
          }
          return records.length;
        },
      };
      for (let i = 0; i < 25; i++) journal.append(spendRecord());
      const flusher = createSpendFlusher({ journal, writer, batchSize: 10, intervalMs: 1000 });
      flusher.start(); // the first tick at once
      await vi.advanceTimersByTimeAsync(10);
      // The backlog back to back (10, 10), then a short batch ends the tick: the 7 records that
      // arrived meanwhile wait for the next one.
      expect(batches).toEqual([10, 10, 5]);
      expect(await journal.pending()).toBe(7);
      await vi.advanceTimersByTimeAsync(500);
      expect(batches).toEqual([10, 10, 5]);
      await vi.advanceTimersByTimeAsync(500);
      expect(batches).toEqual([10, 10, 5, 7]);
      expect(await journal.pending()).toBe(7);
      // stop() (shutdown) still writes until the journal is empty.
      await flusher.stop();
      expect(batches).toEqual([10, 10, 5, 7, 7]);
      expect(await journal.pending()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("withFallbackJournal", () => {
  it("keeps spend in memory while the primary refuses, and drains it first", async () => {
    const primary = createMemorySpendJournal();
    let down = true;
    const flaky: SpendJournal = {
      ...primary,
      append(record) {
        if (down) return Promise.reject(new Error("redis down"));
        return primary.append(record);
      },
    };
    const journal = withFallbackJournal(flaky);
    await journal.append(spendRecord({ requestId: "during-outage" }));
    down = false;
    await journal.append(spendRecord({ requestId: "after" }));
    const { writer, batches } = recordingWriter();
    await createSpendFlusher({ journal, writer }).flush();
    expect(batches.flat().map((r) => r.requestId)).toEqual(["during-outage", "after"]);
    expect(await journal.pending()).toBe(0);
  });

  it("is durable only while nothing waits in its in-process queue", async () => {
    const primary: SpendJournal = { ...createMemorySpendJournal(), durable: true };
    let down = true;
    const journal = withFallbackJournal({
      ...primary,
      append: (record) => (down ? Promise.reject(new Error("redis down")) : primary.append(record)),
    });
    expect(journal.durable).toBe(true);
    await journal.append(spendRecord());
    expect(journal.durable).toBe(false);
    down = false;
    const { writer } = recordingWriter();
    await createSpendFlusher({ journal, writer }).flush();
    expect(journal.durable).toBe(true);
  });
});
