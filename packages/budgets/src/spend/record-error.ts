/**
 * Whether a failed spend write was refused because of what a record holds (so retrying the same
 * record can never succeed) rather than because of the database's state (retry later).
 *
 * Record errors are the SQLSTATE classes a value causes: 22 (data exception: numeric overflow,
 * invalid text, a time out of range), 23 (integrity constraint) and 54 (program limit exceeded:
 * a value past a btree index's 2704-byte row limit, a row too big). Everything else (connection
 * failures, which have no SQLSTATE or class 08; 40 serialization/deadlock; 53 resources; 57
 * operator intervention and timeouts; 42 for a schema out of step with the code, which no single
 * record causes) leaves the batch in the journal to be retried. Errors raised while the statement
 * is built (a time that is not a valid date: RangeError; a value JSON cannot hold: TypeError)
 * are the record's too.
 */
export function isRecordError(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) return RECORD_CLASSES.has(code.slice(0, 2));
  return error instanceof RangeError || error instanceof TypeError;
}

const RECORD_CLASSES = new Set(["22", "23", "54"]);

/** The SQLSTATE of the error or of what it wraps (drizzle wraps driver errors as `cause`). */
function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function recordErrorCode(error: unknown): string {
  return sqlState(error) ?? "";
}

/**
 * The database's message (drizzle's own message repeats the whole statement and its JSON
 * parameter, which would put the batch in the log), cut to 1,000 characters.
 */
export function recordErrorReason(error: unknown): string {
  let reason = String(error);
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") {
      reason = message;
      break;
    }
    if (e instanceof Error && depth === 0) reason = e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return reason.length > 1000 ? `${reason.slice(0, 1000)}...` : reason;
}
