import { auditLogs, type DbClient } from "@org/db";
import { actorOf, type Caller } from "./caller.ts";

/** Fields never written to the audit log, whatever object they appear in. */
const SECRET_FIELDS = new Set([
  "key",
  "token",
  "new_key",
  "password",
  "password_hash",
  "litellm_params",
  "api_key",
]);

/** Appends one audit row (in the caller's transaction), with secrets removed. */
export async function audit(
  tx: DbClient,
  caller: Caller,
  entry: {
    action: string;
    table: string;
    objectId: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await tx.insert(auditLogs).values({
    changedBy: actorOf(caller),
    changedByApiKeyHash: caller.keyHash,
    action: entry.action,
    tableName: entry.table,
    objectId: entry.objectId,
    beforeValue: entry.before === undefined ? null : redact(entry.before),
    updatedValues: entry.after === undefined ? null : redact(entry.after),
  });
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELDS.has(k) || k === "passwordHash" || k === "litellmParamsEncrypted") continue;
    out[k] = redact(v);
  }
  return out;
}
