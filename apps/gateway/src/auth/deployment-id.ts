import { randomBytes } from "node:crypto";
import type { RawSql } from "@org/db";

/** The gateway_settings row that holds it. */
const KEY = "deployment_id";

/**
 * A random id for this deployment, made by its first start and kept in its database: the same
 * for every instance sharing the database (a fleet), different for another deployment (its own
 * PostgreSQL, or its own PGlite data folder) even with the same master key and salt. The
 * dashboard's session tokens are signed with it mixed in, so one deployment's cookie is not
 * accepted by another. Not a secret (the master key is): a database copied into another
 * deployment (a staging clone) carries it along, and its tokens with it.
 */
export async function loadDeploymentId(raw: RawSql): Promise<string> {
  // Insert-if-absent, then read: instances starting together all read the one that won.
  await raw.query(
    "insert into gateway_settings (key, value, updated_by) values ($1, $2::jsonb, 'gateway') on conflict (key) do nothing",
    [KEY, JSON.stringify(randomBytes(32).toString("hex"))],
  );
  const rows = await raw.query<{ value: unknown }>(
    "select value from gateway_settings where key = $1",
    [KEY],
  );
  const value = rows[0]?.value;
  if (typeof value !== "string" || value.length < 32) {
    throw new Error(
      `gateway_settings.${KEY} is missing or not a string; delete the row to renew it`,
    );
  }
  return value;
}
