import { InvalidRequestError } from "@org/core";
import type { GatewayDeps } from "../deps.ts";

/**
 * general_settings.enforce_user_param: every inference request must say which end user it is
 * for (`user`; `metadata.user_id` on /v1/messages), so spend and end-user budgets can be
 * attributed. Refused before any upstream call, with LiteLLM's message and `param: "user"`.
 */
export function requireUserParam(deps: GatewayDeps, user: unknown): void {
  if (!deps.enforceUserParam) return;
  if (typeof user === "string" && user !== "") return;
  throw new InvalidRequestError("'user' param not passed in. 'enforce_user_param'=True", {
    param: "user",
    code: "400",
  });
}
