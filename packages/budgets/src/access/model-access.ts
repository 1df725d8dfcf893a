import type { VirtualKeyIdentity } from "../keys/identity.ts";
import { KeyAuthError } from "../keys/key-auth-error.ts";
import { pythonList } from "../util/python-repr.ts";

/** LiteLLM's special model names. */
export const ALL_PROXY_MODELS = "all-proxy-models";
export const ALL_TEAM_MODELS = "all-team-models";
export const NO_DEFAULT_MODELS = "no-default-models";

export interface ModelAccessOptions {
  /**
   * The access groups a model group belongs to (its deployments' `model_info.access_groups`), so a
   * key listing a group name may call every model in it.
   */
  accessGroupsOf?: (model: string) => readonly string[] | undefined;
}

/**
 * Refuses a virtual key's request for a model it may not use, with LiteLLM's status (401), error
 * type and wording per level: the key's list, then the team's (team keys) or the user's (personal
 * keys), then the organization's. `requested` is the model the request calls (the client's name
 * after the key's and team's aliases were applied, see `resolveKeyAlias`), `resolved` the model
 * group the router resolved it to (after the config's `model_group_alias`): access to either is
 * enough, as in LiteLLM. A key alias is never access in itself: what is checked is what is called.
 */
export function checkModelAccess(
  identity: VirtualKeyIdentity,
  requested: string,
  resolved: string | undefined,
  options: ModelAccessOptions = {},
): void {
  const groupsOf = options.accessGroupsOf;
  const allows = (models: readonly string[]) =>
    canAccess(models, requested, groupsOf) ||
    (resolved !== undefined && resolved !== requested && canAccess(models, resolved, groupsOf));

  if (!identity.models.includes(ALL_TEAM_MODELS) && !allows(identity.models)) {
    throw accessDenied(
      "key_model_access_denied",
      `key not allowed to access model. This key can only access models=${pythonList(identity.models)}. Tried to access ${requested}`,
    );
  }
  if (identity.team) {
    if (!allows(identity.team.models)) {
      throw accessDenied(
        "team_model_access_denied",
        `Team not allowed to access model. Team=${identity.team.id}, Model=${requested}. Allowed team models = ${pythonList(identity.team.models)}`,
      );
    }
  } else if (identity.user) {
    if (identity.user.models.includes(NO_DEFAULT_MODELS)) {
      throw accessDenied(
        "key_model_access_denied",
        `User not allowed to access model. No default model access, only team models allowed. Tried to access ${requested}`,
      );
    }
    if (!allows(identity.user.models)) {
      throw accessDenied(
        "user_model_access_denied",
        `user not allowed to access model. This user can only access models=${pythonList(identity.user.models)}. Tried to access ${requested}`,
      );
    }
  }
  if (identity.organization && !allows(identity.organization.models)) {
    throw accessDenied(
      "org_model_access_denied",
      `org not allowed to access model. This org can only access models=${pythonList(identity.organization.models)}. Tried to access ${requested}`,
    );
  }
}

/** LiteLLM's rule for one list: empty, "*" or all-proxy-models allow all; else a name, group or pattern. */
export function canAccess(
  models: readonly string[],
  model: string,
  accessGroupsOf?: (model: string) => readonly string[] | undefined,
): boolean {
  if (models.length === 0) return true;
  for (const allowed of models) {
    if (allowed === model || allowed === "*" || allowed === ALL_PROXY_MODELS) return true;
    if (allowed.includes("*") && wildcardMatches(allowed, model)) return true;
  }
  const groups = accessGroupsOf?.(model);
  if (groups) for (const group of groups) if (models.includes(group)) return true;
  return false;
}

/**
 * The model a virtual key's request calls: the key's (or its team's) alias for the requested
 * name rewritten to its target, as LiteLLM does before routing. Access is then checked on the
 * target, so an alias a key's holder sets can never reach a model the key may not use.
 */
export function resolveKeyAlias(
  identity: { aliases: Readonly<Record<string, string>> },
  model: string,
): string {
  return Object.hasOwn(identity.aliases, model) ? identity.aliases[model]! : model;
}

function wildcardMatches(pattern: string, model: string): boolean {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(model);
}

function accessDenied(type: string, message: string): KeyAuthError {
  return new KeyAuthError(type, message, { param: "model" });
}
