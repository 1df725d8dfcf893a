import { InvalidRequestError } from "@org/core";
import type { GatewayDeps } from "../deps.ts";

/**
 * The longest `user` (end-user id) accepted. It is `end_users.id` and `spend_logs.end_user_id`,
 * both btree-indexed, and PostgreSQL refuses an index entry over 2,704 bytes: 512 characters are
 * at most 2,048 bytes of UTF-8. Generous next to the ids clients send (Claude Code's
 * `metadata.user_id` is about 150 characters; OpenAI documents no limit).
 */
export const MAX_END_USER_ID_LENGTH = 512;

/**
 * general_settings.enforce_user_param: every inference request must say which end user it is
 * for (`user`; `metadata.user_id` on /v1/messages), so spend and end-user budgets can be
 * attributed. Refused before any upstream call, with LiteLLM's message and `param: "user"`.
 */
export function requireUserParam(deps: GatewayDeps, user: unknown): void {
  checkUserParam(user);
  if (!deps.enforceUserParam) return;
  if (typeof user === "string" && user !== "") return;
  throw new InvalidRequestError("'user' param not passed in. 'enforce_user_param'=True", {
    param: "user",
    code: "400",
  });
}

/**
 * Every model route checks `user` through `requireUserParam`, enforced or not: an end-user id is
 * stored and indexed, so it must fit an index entry and be text PostgreSQL can hold (no NUL).
 * OpenAI's wording and code for a string over its limit.
 */
function checkUserParam(user: unknown): void {
  if (typeof user !== "string") return;
  if (user.length > MAX_END_USER_ID_LENGTH) {
    throw new InvalidRequestError(
      `Invalid 'user': string too long. Expected a string with maximum length ${MAX_END_USER_ID_LENGTH}, but got a string with length ${user.length} instead.`,
      { param: "user", code: "string_above_max_length" },
    );
  }
  if (user.includes("\u0000")) {
    throw new InvalidRequestError("Invalid 'user': the string contains a NUL character.", {
      param: "user",
      code: "invalid_value",
    });
  }
}
