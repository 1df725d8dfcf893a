import { checkModelAccess, KeyAuthError } from "@org/budgets";
import type { AuthIdentity } from "./authenticator.ts";

type AccessGroupsOf = (modelGroup: string) => readonly string[] | undefined;

/**
 * Whether the caller may use a model group, by the same rules that refuse a request for it
 * (@org/budgets' `checkModelAccess`: the key's, team's or user's, and organization's lists).
 * /v1/models and /model/info list only these, as LiteLLM does for a virtual key.
 */
export function mayUseModel(
  identity: AuthIdentity,
  model: string,
  accessGroupsOf?: AccessGroupsOf,
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

/**
 * A name nothing serves is refused to a virtual key that may not call it with the same 401 as a
 * configured model outside its lists: LiteLLM checks a key's models at auth, before routing. The
 * router's 400 for an unknown model came first here, so a restricted key told the models that
 * exist (401) from the names that do not (400), which /v1/models hides from it. A name the key
 * may call still gets the 400 naming it. Call it once the key's alias is applied.
 */
export function hideUnknownModel(
  identity: AuthIdentity | undefined,
  model: string,
  hasModel: (model: string) => boolean,
  accessGroupsOf?: AccessGroupsOf,
): void {
  if (identity?.kind !== "virtual_key" || hasModel(model)) return;
  checkModelAccess(identity, model, undefined, accessGroupsOf ? { accessGroupsOf } : {});
}
