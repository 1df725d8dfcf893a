import { InvalidRequestError } from "@org/core";

/**
 * Constraint violations the checks before a write could not rule out (two admins creating the
 * same team id at once, a row deleted meanwhile) become 400s that say what clashed, instead of
 * an internal error. Everything else passes through unchanged.
 */
export function translateDatabaseError(error: unknown): unknown {
  const pg = findPgError(error);
  if (!pg) return error;
  if (pg.code === "23505") {
    return new InvalidRequestError(`Already exists: ${pg.detail ?? pg.message}`, { code: "400" });
  }
  if (pg.code === "23503") {
    return new InvalidRequestError(
      `Refers to something that does not exist, or is still used by other objects: ${pg.detail ?? pg.message}`,
      { code: "400" },
    );
  }
  const refused = VALUE_REFUSED[pg.code];
  if (refused) return new InvalidRequestError(`Invalid request: ${refused}`, { code: "400" });
  return error;
}

/**
 * Values PostgreSQL refused. The request schemas (field-bounds.ts) bound every field to its
 * column, so these are a last resort for a value they missed: still the caller's input, so a 400
 * rather than an internal error. The messages are fixed: the database's own would echo the value.
 */
const VALUE_REFUSED: Record<string, string> = {
  "22001": "a value is too long for its field",
  "22003": "a number is out of range for its field",
  "22008": "a date or duration is out of range",
  "22007": "a date is not valid",
  "22021": "a value contains characters that cannot be stored (NUL or invalid UTF-8)",
  "22P05": "a value contains characters that cannot be stored (NUL or an unpaired surrogate)",
  "22P02": "a value has the wrong form for its field",
  "2202E": "an array index is out of range",
  "54000": "a value is too large to be stored or indexed",
  "54001": "a value is nested too deeply",
};

interface PgError {
  code: string;
  message: string;
  detail?: string;
}

function findPgError(error: unknown): PgError | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^\d{2}[0-9A-Z]{3}$/.test(code)) return e as PgError;
  }
  return undefined;
}

/** Wraps every async function of a service so its database errors are translated. */
export function withDatabaseErrors<T extends object>(service: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(service)) {
    out[name] =
      typeof fn === "function"
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => unknown).apply(service, args);
            } catch (error) {
              throw translateDatabaseError(error);
            }
          }
        : fn;
  }
  return out as T;
}
