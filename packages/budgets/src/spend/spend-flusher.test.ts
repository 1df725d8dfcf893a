import { describe, expect, it } from "vitest";
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

  it("serialises concurrent flushes", async () => {
    const journal = createMemorySpendJournal();
    const { writer, batches } = recordingWriter();
    for (let i = 0; i < 10; i++) journal.append(spendRecord());
    const flusher = createSpendFlusher({ journal, writer });
    await Promise.all([flusher.flush(), flusher.flush(), flusher.flush()]);
    expect(batches.flat()).toHaveLength(10);
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
});
