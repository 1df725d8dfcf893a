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
  return error;
}

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
