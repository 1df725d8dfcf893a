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
