import { randomBytes, randomUUID } from "node:crypto";
import {
  endUsers,
  spendLogs,
  spendLogsRejected,
  teams,
  virtualKeys,
  type Database,
} from "@org/db";
import { eq, inArray } from "drizzle-orm";
import { expect, it } from "vitest";
import { hashKey } from "../keys/virtual-key.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createSpendFlusher } from "../spend/spend-flusher.ts";
import type { SpendRecord } from "../spend/spend-record.ts";
import { createDbSpendWriter, type SpendRejection } from "../spend/spend-writer.ts";
import type { BudgetsLogger } from "../util/logger.ts";
import { spendRecord } from "./spend-records.ts";

/** Random base64: incompressible, so PostgreSQL cannot squeeze it under the btree row limit. */
export const oversized = (chars = 8000) => randomBytes(chars).toString("base64").slice(0, chars);

function recordingLogger() {
  const errors: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const logger: BudgetsLogger = {
    warn() {},
    error(message, fields) {
      errors.push({ message, fields });
    },
  };
  return { logger, errors };
}

/**
 * Records the database must refuse, one per reason: an end user past the btree limit (end_users'
 * primary key and spend_logs' end_user_id index), a request id past it (spend_logs' primary key),
 * a cost past numeric(20, 10), and a time that is no date at all (refused before the database).
 */
export function poisonRecords(keyHash: string, teamId: string): SpendRecord[] {
  const owner = { apiKeyHash: keyHash, virtualKey: true, teamId };
  return [
    spendRecord({ ...owner, endUserId: oversized(), spend: 1 }),
    spendRecord({ ...owner, requestId: oversized(), spend: 1 }),
    spendRecord({ ...owner, spend: 1e12 }),
    spendRecord({ ...owner, endTime: Number.NaN, spend: 1 }),
  ];
}

/**
 * The poison-row contract of the spend writer, run on PGlite (spend-writer-poison.test.ts) and
 * on a real PostgreSQL (spend-writer.int.test.ts): one record the database refuses never stops
 * the ledger. The good records of its batch are written, the bad one is set aside in
 * spend_logs_rejected, logged at error level and counted.
 */
export function poisonRowContract(open: () => Database) {
  async function seed() {
    const db = open().db;
    const [team] = await db.insert(teams).values({ teamAlias: "poison" }).returning();
    const keyHash = hashKey(`sk-${randomUUID()}`);
    await db.insert(virtualKeys).values({ tokenHash: keyHash, teamId: team!.id });
    return { keyHash, teamId: team!.id };
  }
  const keySpend = async (keyHash: string) => {
    const [key] = await open()
      .db.select({ spend: virtualKeys.spend })
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, keyHash));
    return key!.spend;
  };
  const rejectedRows = async (records: readonly SpendRecord[]) =>
    open()
      .db.select()
      .from(spendLogsRejected)
      .where(
        inArray(
          spendLogsRejected.requestId,
          records.map((r) => r.requestId),
        ),
      );

  it("writes the good records of a batch and sets each refused one aside, with its reason", async () => {
    const { keyHash, teamId } = await seed();
    const { logger, errors } = recordingLogger();
    const told: SpendRejection[] = [];
    const writer = createDbSpendWriter(open().db, { logger, onRejected: (r) => told.push(r) });
    const good = Array.from({ length: 12 }, () =>
      spendRecord({ apiKeyHash: keyHash, virtualKey: true, teamId, spend: 0.25 }),
    );
    const poison = poisonRecords(keyHash, teamId);
    // Poison spread through the batch: first, middle, last.
    const batch = [poison[0]!, ...good.slice(0, 6), poison[1]!, poison[2]!, ...good.slice(6), poison[3]!];

    expect(await writer.write(batch)).toBe(good.length);

    const logged = await open()
      .db.select({ id: spendLogs.requestId })
      .from(spendLogs)
      .where(eq(spendLogs.apiKeyHash, keyHash));
    expect(logged.map((r) => r.id).sort()).toEqual(good.map((r) => r.requestId).sort());
    expect(await keySpend(keyHash)).toBe(3);
    const [team] = await open().db.select().from(teams).where(eq(teams.id, teamId));
    expect(team!.spend).toBe(3);

    const rejected = await rejectedRows(poison);
    expect(rejected).toHaveLength(poison.length);
    const byId = new Map(rejected.map((r) => [r.requestId, r]));
    expect(byId.get(poison[0]!.requestId)!.errorCode).toBe("54000");
    expect(byId.get(poison[1]!.requestId)!.errorCode).toBe("54000");
    expect(byId.get(poison[2]!.requestId)!.errorCode).toBe("22003");
    expect(byId.get(poison[3]!.requestId)!.errorCode).toBe("");
    for (const row of rejected) {
      expect(row.reason).not.toBe("");
      // The whole record is kept, to be fixed and replayed.
      expect((JSON.parse(row.record) as SpendRecord).requestId).toBe(row.requestId);
    }
    expect(writer.rejectedCount()).toBe(poison.length);
    expect(told.map((t) => t.record.requestId).sort()).toEqual(
      poison.map((r) => r.requestId).sort(),
    );
    expect(told.every((t) => t.stored)).toBe(true);
    const alerts = errors.filter((e) => e.message.includes("spend_logs_rejected"));
    expect(alerts).toHaveLength(poison.length);
    // The log line is readable: an 8,000-character request id is cut.
    for (const a of alerts) expect(String(a.fields!.requestId).length).toBeLessThan(300);
    const [endUser] = await open()
      .db.select()
      .from(endUsers)
      .where(eq(endUsers.id, poison[0]!.endUserId!));
    expect(endUser).toBeUndefined();
  });

  it("replaying a batch with a poison record (a crash before the ack) changes nothing", async () => {
    const { keyHash, teamId } = await seed();
    const writer = createDbSpendWriter(open().db);
    const good = Array.from({ length: 5 }, () =>
      spendRecord({ apiKeyHash: keyHash, virtualKey: true, teamId, spend: 0.5 }),
    );
    const poison = poisonRecords(keyHash, teamId).slice(0, 1);
    const batch = [...good, ...poison];
    expect(await writer.write(batch)).toBe(5);
    expect(await writer.write(batch)).toBe(0);
    expect(await keySpend(keyHash)).toBe(2.5);
    expect(await rejectedRows(poison)).toHaveLength(1);
    // Set aside, logged and counted once, not once per attempt.
    expect(writer.rejectedCount()).toBe(1);
  });

  it("sets aside a record with no request id at all, and still writes the rest", async () => {
    const { keyHash, teamId } = await seed();
    const writer = createDbSpendWriter(open().db);
    const owner = { apiKeyHash: keyHash, virtualKey: true, teamId, spend: 0.5 };
    const idless = { ...spendRecord(owner), requestId: undefined } as unknown as SpendRecord;
    expect(await writer.write([spendRecord(owner), idless, spendRecord(owner)])).toBe(2);
    expect(writer.rejectedCount()).toBe(1);
    expect(await keySpend(keyHash)).toBe(1);
  });

  it("a flusher drains past a poison record: the journal empties and later spend still lands", async () => {
    const { keyHash, teamId } = await seed();
    const journal = createMemorySpendJournal();
    const writer = createDbSpendWriter(open().db);
    const flusher = createSpendFlusher({ journal, writer, batchSize: 4 });
    const owner = { apiKeyHash: keyHash, virtualKey: true, teamId, spend: 0.125 };
    journal.append(spendRecord(owner));
    for (const p of poisonRecords(keyHash, teamId)) journal.append(p);
    for (let i = 0; i < 7; i++) journal.append(spendRecord(owner));
    expect(await flusher.flush()).toBe(12);
    expect(await journal.pending()).toBe(0);
    journal.append(spendRecord(owner));
    await flusher.stop();
    expect(await journal.pending()).toBe(0);
    expect(await keySpend(keyHash)).toBe(9 * 0.125);
  });
}
