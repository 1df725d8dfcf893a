const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates a PostgreSQL schema name and returns it as a quoted identifier.
 *
 * The name ends up in `search_path` (a connection parameter, where query parameters cannot
 * be used), so it is restricted to plain identifier characters and at most 63 bytes,
 * PostgreSQL's identifier limit, rather than escaped.
 */
export function quoteSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new Error(
      `Invalid database schema name ${JSON.stringify(name)}: use letters, digits and "_" (at most 63, not starting with a digit)`,
    );
  }
  return `"${name}"`;
}
