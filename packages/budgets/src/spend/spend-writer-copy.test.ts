import { randomUUID } from "node:crypto";
import { createDb, executeRows, type Database } from "@org/db";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpendRecord } from "./spend-record.ts";
import { createDbSpendWriter } from "./spend-writer.ts";

/**
 * On PGlite the writer loads a batch with COPY (CSV) and falls back to the jsonb insert when
 * COPY refuses it. Both must store exactly the same values: each batch below is written once
 * through COPY and once, with other request ids, through the insert (forced by a record already
 * logged, which COPY refuses), and the rows compared column by column.
 */
describe("spend writer on PGlite: COPY stores what the insert stores", () => {
  let database: Database;
  const debug: string[] = [];
  beforeAll(async () => {
    database = await createDb({});
    await database.migrate();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  const writer = () =>
    createDbSpendWriter(database.db, {
      logger: { warn() {}, error() {}, debug: (message) => debug.push(message) },
    });

  // Strings CSV and JSON treat specially, and any code point (lone surrogates included).
  const tricky = fc.constantFrom(
    "",
    '"',
    '""',
    ",",
    "\n",
    "\r\n",
    "\\",
    "\\.",
    "\0",
    "a\0b",
    "\ud800",
    "x\udfffy",
    "\\u0000",
    "\\\\u0000",
    "{}",
    '{"a","b"}',
    "NULL",
    "é€😀",
  );
  const text = fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 12 }), fc.string());
  const json = fc.jsonValue({ maxDepth: 2 });
  const time = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
  const record = fc.record(
    {
      callType: text,
      apiKeyHash: text,
      // Within numeric(20, 10); larger costs are refused either way (spend-writer-odd-costs).
      spend: fc.oneof(
        fc.double({ min: -9e9, max: 9e9 }),
        fc.constantFrom(0, -0, 1e-12, 0.1 + 0.2, 5e-324, 1234567890.123456789, NaN, Infinity),
      ),
      promptTokens: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      completionTokens: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      totalTokens: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      startTime: time,
      duration: fc.integer({ min: 0, max: 600_000 }),
      firstToken: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
      model: text,
      modelGroup: fc.option(text, { nil: undefined }),
      modelId: fc.option(text, { nil: undefined }),
      provider: fc.option(text, { nil: undefined }),
      apiBase: fc.option(text, { nil: undefined }),
      requestTags: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
      metadata: fc.option(fc.dictionary(text, json, { maxKeys: 3 }), { nil: undefined }),
      cacheHit: fc.boolean(),
      status: fc.constantFrom("success" as const, "failure" as const),
      statusCode: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
      errorType: fc.option(text, { nil: undefined }),
      errorMessage: fc.option(text, { nil: undefined }),
    },
    { requiredKeys: [] },
  );
  const toRecord = (r: Partial<Record<string, unknown>>): SpendRecord => {
    const startTime = (r.startTime as number | undefined) ?? Date.UTC(2026, 0, 1);
    return {
      requestId: randomUUID(),
      callType: (r.callType as string | undefined) ?? "acompletion",
      apiKeyHash: (r.apiKeyHash as string | undefined) ?? "",
      spend: (r.spend as number | undefined) ?? 0,
      promptTokens: (r.promptTokens as number | undefined) ?? 0,
      completionTokens: (r.completionTokens as number | undefined) ?? 0,
      totalTokens: (r.totalTokens as number | undefined) ?? 0,
      startTime,
      endTime: startTime + ((r.duration as number | undefined) ?? 0),
      ...(r.firstToken === undefined
        ? {}
        : { completionStartTime: startTime + (r.firstToken as number) }),
      model: (r.model as string | undefined) ?? "m",
      modelGroup: r.modelGroup as string | undefined,
      modelId: r.modelId as string | undefined,
      provider: r.provider as string | undefined,
      apiBase: r.apiBase as string | undefined,
      virtualKey: false,
      requestTags: r.requestTags as string[] | undefined,
      metadata: r.metadata as Record<string, unknown> | undefined,
      cacheHit: (r.cacheHit as boolean | undefined) ?? false,
      status: (r.status as "success" | "failure" | undefined) ?? "success",
      statusCode: r.statusCode as number | undefined,
      errorType: r.errorType as string | undefined,
      errorMessage: r.errorMessage as string | undefined,
    };
  };

  // Every column but the id, as text (timestamps in UTC), in the order of the given ids.
  const rowsOf = async (ids: readonly string[]) => {
    const rows = await executeRows<Record<string, string | null> & { request_id: string }>(
      database.db,
      sql`select request_id, call_type, api_key_hash, spend::text, prompt_tokens::text,
        completion_tokens::text, total_tokens::text,
        to_char(start_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as start_time,
        to_char(end_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as end_time,
        to_char(completion_start_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as cst,
        request_duration_ms::text, model, model_group, model_id, provider, api_base, user_id,
        end_user_id, team_id, organization_id, request_tags::text, metadata::text,
        cache_hit::text, status, status_code::text, error_type, error_message
        from spend_logs where request_id in ${sql`(${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`}`,
    );
    const byId = new Map(rows.map((row) => [row.request_id, row]));
    return ids.map((id) => {
      const { request_id: _id, ...rest } = byId.get(id) ?? { request_id: id };
      return rest;
    });
  };

  it("for any records: the same row either way", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 4 }), async (drafts) => {
        const copied = drafts.map(toRecord);
        debug.length = 0;
        expect(await writer().write(copied)).toBe(copied.length);
        expect(debug).toEqual([]); // loaded by COPY

        // The same values under new ids, behind one record already logged: COPY refuses the
        // batch and the insert writes it.
        const inserted = copied.map((r) => ({ ...r, requestId: randomUUID() }));
        expect(await writer().write([copied[0]!, ...inserted])).toBe(inserted.length);
        expect(debug).toEqual(["spend batch: COPY refused it, inserting it instead"]);

        expect(await rowsOf(copied.map((r) => r.requestId))).toEqual(
          await rowsOf(inserted.map((r) => r.requestId)),
        );
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
