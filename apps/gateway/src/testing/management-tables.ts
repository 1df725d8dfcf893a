import { executeRows, type DbClient } from "@org/db";

/**
 * The tables the management API writes. Tests that prove "a refused call changes nothing"
 * watch every one of them (a digest, or a row trigger), so a new table belongs here.
 */
export const MANAGEMENT_TABLES = [
  "organizations",
  "teams",
  "users",
  "team_memberships",
  "organization_memberships",
  "virtual_keys",
  "deleted_virtual_keys",
  "budgets",
  "end_users",
  "proxy_models",
  "audit_logs",
] as const;

/** An md5 of every management table's rows, to compare before and after a refused call. */
export async function snapshotManagementTables(db: DbClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of MANAGEMENT_TABLES) {
    const [row] = await executeRows<{ digest: string | null }>(
      db,
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
    );
    out[table] = row?.digest ?? "";
  }
  return out;
}
