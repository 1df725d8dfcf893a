import {
  canCopyCsv,
  copyCsv,
  executeRows,
  spendLogs,
  spendLogsRejected,
  type DbClient,
} from "@org/db";
import { inArray, sql, type SQL } from "drizzle-orm";
import { RESET_LOCK_ID } from "../budgets/reset-lock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { addToRunningTotals } from "./spend-rollups.ts";
import { isRecordError, recordErrorCode, recordErrorReason } from "./record-error.ts";
import type { SpendRecord } from "./spend-record.ts";

/** Writes batches of spend to the database. */
export interface SpendWriter {
  /**
   * Writes the batch; returns how many records were new. When it resolves, every record is
   * either in the ledger or set aside as a rejected record: the caller may drop them all. It
   * rejects only when nothing can be decided (the database is unreachable, ...): retry later.
   */
  write(records: readonly SpendRecord[]): Promise<number>;
}

/** A record the database refused, set aside so that the ledger goes on. */
export interface SpendRejection {
  readonly record: SpendRecord;
  /** SQLSTATE ("54000": index row too large, "22003": numeric overflow, ...); "" for a local error. */
  readonly code: string;
  readonly reason: string;
  /** False when even `spend_logs_rejected` refused it: the error log line is its only trace. */
  readonly stored: boolean;
}

export interface DbSpendWriterOptions {
  logger?: BudgetsLogger;
  /** Told of each rejected record (after it was set aside), e.g. to count it in a metric. */
  onRejected?: (rejection: SpendRejection) => void;
}

export interface DbSpendWriter extends SpendWriter {
  /** Records this writer set aside since it was created (see `spend_logs_rejected` for all). */
  rejectedCount(): number;
}

/**
 * The Postgres side of the spend ledger. One transaction per batch:
 * 1. insert the `spend_logs` rows, skipping request ids already there (a batch replayed after a
 *    crash between commit and acknowledgement);
 * 2. add only the newly inserted rows to the running totals (`spend`, `model_spend`) of keys,
 *    teams, users, organizations, team memberships and end users (created on first spend).
 * Replaying a batch therefore changes nothing: the ledger converges to exactly the sum served.
 * Each total grows by exactly the sum of its new rows (summed as numeric in SQL, two statements
 * per table: spend-rollups.ts); rows are locked in id order, so concurrent flushers on several
 * instances cannot deadlock.
 */
export function createDbSpendWriter(
  db: DbClient,
  options: DbSpendWriterOptions = {},
): DbSpendWriter {
  const logger = options.logger ?? silentLogger;
  let rejected = 0;

  /**
   * One record the database refuses must not stop the ledger: a batch that fails on a record's
   * data (SQLSTATE classes 22, 23, 54; see record-error.ts) is split in halves and each half
   * written on its own, down to the single record that fails, which is set aside. Inserts are
   * idempotent (request ids already logged are skipped), so halves that committed before a later
   * error are not counted twice when the batch is retried. Any other error (connection lost,
   * timeout, deadlock) fails the batch as before and it is retried whole later.
   */
  const writeIsolating = async (batch: readonly SpendRecord[]): Promise<number> => {
    try {
      return await writeBatch(batch);
    } catch (error) {
      if (!isRecordError(error)) throw error;
      if (batch.length === 1) {
        await setAside(batch[0]!, error);
        return 0;
      }
      const half = Math.ceil(batch.length / 2);
      const left = await writeIsolating(batch.slice(0, half));
      return left + (await writeIsolating(batch.slice(half)));
    }
  };

  /**
   * Keeps the refused record in `spend_logs_rejected` (once: a batch retried after an outage may
   * isolate it again), logs it at error level and counts it. If that table refuses it too, the
   * whole record goes into the error log line instead, so it is never simply dropped.
   */
  const setAside = async (record: SpendRecord, error: unknown): Promise<void> => {
    const code = recordErrorCode(error);
    const reason = recordErrorReason(error);
    // Defensive: the record may be the very thing that is malformed (no id, a value JSON refuses).
    const json = safeJson(record);
    const requestId = String(record?.requestId ?? "").replaceAll("\u0000", "\ufffd");
    let stored = true;
    try {
      const rows = await executeRows<{ id: string }>(
        db,
        sql`insert into ${spendLogsRejected} (request_id, error_code, reason, record)
          select ${requestId}, ${code}, ${reason}, ${json}
          where ${requestId} = '' or not exists (select 1 from ${spendLogsRejected} where request_id = ${requestId})
          returning id`,
      );
      // Already set aside by an earlier attempt at this batch (replayed after an outage).
      if (rows.length === 0) return;
    } catch (deadLetterError) {
      if (!isRecordError(deadLetterError)) throw deadLetterError;
      stored = false;
    }
    rejected++;
    const fields: Record<string, unknown> = {
      requestId:
        requestId.length > 200
          ? `${requestId.slice(0, 200)}... (${requestId.length} chars)`
          : requestId,
      code,
      reason,
      apiKeyHash: record.apiKeyHash,
      spend: record.spend,
      rejectedTotal: rejected,
    };
    if (stored) {
      logger.error(
        "spend record refused by the database; set aside in spend_logs_rejected",
        fields,
      );
    } else {
      logger.error(
        "spend record refused by the database and by spend_logs_rejected; full record in this line",
        {
          ...fields,
          record: json,
        },
      );
    }
    try {
      options.onRejected?.({ record, code, reason, stored });
    } catch {
      // A metrics callback must not turn a settled record back into a failed batch.
    }
  };

  const writeBatch = (unique: readonly SpendRecord[]): Promise<number> =>
    db.transaction(async (tx) => {
      // Shared with other batches, exclusive with the budget reset job (see reset-lock.ts).
      await tx.execute(sql`select pg_advisory_xact_lock_shared(${RESET_LOCK_ID})`);
      if (await copiedAll(tx, unique, logger)) {
        await addToRunningTotals(tx, unique);
        return unique.length;
      }
      const inserted = new Set<string>();
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await executeRows<{ request_id: string }>(
          tx,
          insertSpendLogs(unique.slice(i, i + 500)),
        );
        for (const row of rows) inserted.add(row.request_id);
      }
      const fresh = unique.filter((r) => inserted.has(r.requestId));
      if (fresh.length === 0) return 0;

      await addToRunningTotals(tx, fresh);
      return fresh.length;
    });

  return {
    async write(records) {
      const unique = dedupe(records);
      if (unique.length === 0) return 0;
      return writeIsolating(unique);
    },
    rejectedCount: () => rejected,
  };
}

/**
 * On the embedded PGlite, the batch is first loaded with COPY: about half the database's CPU of
 * the insert below (spend-insert bench), and there that CPU is the gateway's own (issue 22).
 * COPY cannot skip ids already logged, so any error (a replayed batch, a value the database
 * refuses) takes the batch back to a savepoint and it goes the insert's way, which sorts both
 * out exactly as before. True when every record was loaded (all of them are new then).
 */
async function copiedAll(
  tx: DbClient,
  records: readonly SpendRecord[],
  logger: BudgetsLogger,
): Promise<boolean> {
  if (!canCopyCsv(tx)) return false;
  const csv = spendLogsCsv(records);
  if (csv === undefined) {
    logger.debug?.("spend batch: a value COPY cannot take, inserting it instead", {
      records: records.length,
    });
    return false;
  }
  await tx.execute(sql`savepoint spend_copy`);
  try {
    await copyCsv(tx, "spend_logs", COLUMN_LIST, csv);
  } catch (error) {
    await tx.execute(sql`rollback to savepoint spend_copy`);
    logger.debug?.("spend batch: COPY refused it, inserting it instead", {
      records: records.length,
      reason: recordErrorReason(error),
    });
    return false;
  }
  await tx.execute(sql`release savepoint spend_copy`);
  return true;
}

/** Request ids already in `spend_logs` among these (for tests and reconciliation). */
export async function existingRequestIds(
  db: DbClient,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: spendLogs.requestId })
    .from(spendLogs)
    .where(inArray(spendLogs.requestId, [...ids]));
  return new Set(rows.map((r) => r.id));
}

function safeJson(record: SpendRecord): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch (error) {
    return `unserialisable record (${String(error)}): ${String(record?.requestId)}`;
  }
}

function dedupe(records: readonly SpendRecord[]): SpendRecord[] {
  const seen = new Set<string>();
  const out: SpendRecord[] = [];
  for (const r of records) {
    if (seen.has(r.requestId)) continue;
    seen.add(r.requestId);
    out.push(r);
  }
  return out;
}

/**
 * `spend_logs` columns and the types `jsonb_to_recordset` reads them as. Keep in step with
 * `toJsonRow` (and the schema in @org/db).
 */
const SPEND_LOG_COLUMNS = [
  ["request_id", "text"],
  ["call_type", "text"],
  ["api_key_hash", "text"],
  ["spend", "numeric"],
  ["prompt_tokens", "integer"],
  ["completion_tokens", "integer"],
  ["total_tokens", "integer"],
  ["start_time", "timestamptz"],
  ["end_time", "timestamptz"],
  ["completion_start_time", "timestamptz"],
  ["request_duration_ms", "integer"],
  ["model", "text"],
  ["model_group", "text"],
  ["model_id", "text"],
  ["provider", "text"],
  ["api_base", "text"],
  ["user_id", "text"],
  ["end_user_id", "text"],
  ["team_id", "text"],
  ["organization_id", "text"],
  ["request_tags", "jsonb"],
  ["metadata", "jsonb"],
  ["cache_hit", "boolean"],
  ["status", "text"],
  ["status_code", "integer"],
  ["error_type", "text"],
  ["error_message", "text"],
] as const;

/** Exported for bench/spend-insert.ts, which times other shapes of the same statement. */
export const COLUMN_LIST = SPEND_LOG_COLUMNS.map(([name]) => name).join(", ");
export const RECORD_TYPE = SPEND_LOG_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ");

/**
 * One `INSERT ... SELECT FROM jsonb_to_recordset($1)` for the whole batch, the rows travelling as
 * a single JSON text parameter. Why not `db.insert(spendLogs).values(rows)`: drizzle builds that
 * statement value by value (entity checks and typing per parameter, 27 per row), which cost
 * about as much CPU as serving the requests themselves on the gateway's event loop; one JSON
 * string is serialised natively and parsed by the database. `::text::jsonb` keeps drivers from
 * re-encoding the string as a JSON value.
 */
function insertSpendLogs(records: readonly SpendRecord[]): SQL {
  const json = spendLogsJson(records);
  return sql`insert into ${spendLogs} (${sql.raw(COLUMN_LIST)})
    select ${sql.raw(COLUMN_LIST)} from jsonb_to_recordset(${json}::text::jsonb) as r(${sql.raw(RECORD_TYPE)})
    on conflict (request_id) do nothing
    returning request_id`;
}

/** The batch as the JSON text the insert reads (also used by bench/spend-insert.ts). */
export function spendLogsJson(records: readonly SpendRecord[]): string {
  // storableJson: every escape it replaces starts with `\u`; most batches have none, and the
  // regex pass would copy the whole batch's text (~1 KB a record) to change nothing.
  return storableJson(JSON.stringify(records.map(toJsonRow)));
}

/**
 * The batch as the CSV rows COPY reads, with the values `spendLogsJson` gives the insert (both
 * from `toJsonRow`), stored alike: NUL characters, which neither text nor jsonb can hold, and
 * lone surrogates (which the UTF-8 encoding of the COPY data turns into U+FFFD) end up as U+FFFD
 * as in the JSON. Undefined for a value of a type its column does not take (a malformed record):
 * the insert decides about it. Every text is quoted; an unquoted empty field is NULL.
 */
export function spendLogsCsv(records: readonly SpendRecord[]): string | undefined {
  let csv = "";
  for (const record of records) {
    const row = toJsonRow(record);
    for (let i = 0; i < SPEND_LOG_COLUMNS.length; i++) {
      const [name, type] = SPEND_LOG_COLUMNS[i]!;
      const field = csvField(row[name], type);
      if (field === undefined) return undefined;
      csv += i === 0 ? field : `,${field}`;
    }
    csv += "\n";
  }
  return csv;
}

function csvField(value: unknown, type: (typeof SPEND_LOG_COLUMNS)[number][1]): string | undefined {
  if (value === null || value === undefined) return "";
  switch (type) {
    case "jsonb":
      return quoted(storableJson(JSON.stringify(value)));
    case "text":
      return typeof value === "string"
        ? quoted(value.includes("\0") ? value.replaceAll("\0", "\ufffd") : value)
        : undefined;
    case "timestamptz": // ISO strings (toJsonRow)
      return typeof value === "string" ? quoted(value) : undefined;
    case "boolean":
      return typeof value === "boolean" ? String(value) : undefined;
    default: // numeric, integer: as JSON writes a number
      return typeof value === "number" ? String(value) : undefined;
  }
}

// Most texts hold no quote or NUL: no replacing pass (and copy) for them.
const quoted = (text: string) =>
  text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;

/** JSON text jsonb accepts (see UNSTORABLE_ESCAPE). */
function storableJson(json: string): string {
  return json.includes("\\u") ? json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd") : json;
}

/**
 * JSON escapes that jsonb refuses: NUL and lone surrogates (an upstream error message cut in the
 * middle of a pair). Left in, they would fail the whole batch on every retry; they become U+FFFD.
 * The lookbehind and `(\\\\)*` skip escaped backslashes (`\\u0000` in the JSON is text, not an escape).
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;

/** Epoch ms to the instant a JS `Date` would have stored (whole milliseconds). */
const iso = (ms: number) => new Date(ms).toISOString();

function toJsonRow(r: SpendRecord): Record<(typeof SPEND_LOG_COLUMNS)[number][0], unknown> {
  return {
    request_id: r.requestId,
    call_type: r.callType,
    api_key_hash: r.apiKeyHash,
    // NaN or Infinity would be JSON null and fail the batch for good.
    spend: Number.isFinite(r.spend) ? r.spend : 0,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.totalTokens,
    start_time: iso(r.startTime),
    end_time: iso(r.endTime),
    completion_start_time: r.completionStartTime === undefined ? null : iso(r.completionStartTime),
    request_duration_ms: Math.max(0, Math.round(r.endTime - r.startTime)),
    model: r.model,
    model_group: r.modelGroup ?? null,
    model_id: r.modelId ?? null,
    provider: r.provider ?? null,
    api_base: r.apiBase ?? null,
    user_id: r.userId ?? null,
    end_user_id: r.endUserId ?? null,
    team_id: r.teamId ?? null,
    organization_id: r.organizationId ?? null,
    request_tags: r.requestTags ? [...r.requestTags] : [],
    metadata: r.metadata ?? {},
    cache_hit: r.cacheHit,
    status: r.status,
    status_code: r.statusCode ?? null,
    error_type: r.errorType ?? null,
    error_message: r.errorMessage ?? null,
  };
}
