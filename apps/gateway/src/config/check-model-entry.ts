import type { ManagementDeps } from "@org/management";
import { litellmParamTypos } from "./litellm-param-typos.ts";
import { modelListEntrySchema } from "./model-list-schema.ts";

/**
 * A model added or changed with /model/new or /model/update, checked by the schema a config's
 * model_list entry obeys: the router takes both the same way, so a price written as "free", an
 * rpm of "lots" or a negative timeout is refused with a 400 naming the field instead of being
 * stored (and silently mis-priced or mis-limited ever after).
 */
export const checkModelEntry: NonNullable<ManagementDeps["checkModel"]> = (entry) => {
  const result = modelListEntrySchema.safeParse(entry);
  if (result.success) {
    // The same start-time checks as a config file's model_list: a typo such as api_bse would
    // otherwise be stored and silently ignored on every call.
    const typo = litellmParamTypos([result.data])[0];
    return typo
      ? { path: typo.path.replace(/^model_list\[0\]\./, ""), message: typo.message }
      : undefined;
  }
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((p) => typeof p !== "symbol").join(".");
  return { path: path || "litellm_params", message: issue.message };
};
