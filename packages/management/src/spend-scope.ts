import { spendLogs } from "@org/db";
import { eq, type SQL } from "drizzle-orm";
import { canReadAll, deniedField, type Caller } from "./caller.ts";

/**
 * Which spend rows a caller may read, the rule of GET /spend/logs: admins (and admin viewers)
 * every row; anyone else only their own user's rows, and asking for another user's is a 403.
 * A key without a user (a team's service key) sees the rows of that key alone. The condition is
 * ANDed with the caller's own filters, so a filter naming another team or key only narrows it:
 * it can never widen what the caller sees.
 */
export function spendScope(caller: Caller, requestedUserId: string | undefined): SQL | undefined {
  if (canReadAll(caller)) return undefined;
  if (caller.userId) {
    if (requestedUserId !== undefined && requestedUserId !== caller.userId) {
      throw deniedField("user_id", "You can only read your own spend logs.");
    }
    return eq(spendLogs.userId, caller.userId);
  }
  return eq(spendLogs.apiKeyHash, caller.keyHash);
}
