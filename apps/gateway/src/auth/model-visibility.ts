import { checkModelAccess, KeyAuthError } from "@org/budgets";
import type { AuthIdentity } from "./authenticator.ts";

/**
 * Whether the caller may use a model group, by the same rules that refuse a request for it
 * (@org/budgets' `checkModelAccess`: the key's, team's or user's, and organization's lists).
 * /v1/models and /model/info list only these, as LiteLLM does for a virtual key.
 */
export function mayUseModel(
  identity: AuthIdentity,
  model: string,
  accessGroupsOf?: (modelGroup: string) => readonly string[] | undefined,
): boolean {
  if (identity.kind !== "virtual_key") return true;
  try {
    checkModelAccess(identity, model, model, accessGroupsOf ? { accessGroupsOf } : {});
    return true;
  } catch (error) {
    if (error instanceof KeyAuthError) return false;
    throw error;
  }
}
