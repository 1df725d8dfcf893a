import type { ManagementDeps } from "@org/management";
import { litellmParamTypos } from "./litellm-param-typos.ts";
import { modelListEntrySchema } from "./model-list-schema.ts";

/**
 * A model added or changed with /model/new or /model/update, checked by the schema a config's
 * model_list entry obeys: the router takes both the same way, so a price written as "free", an
 * rpm of "lots" or a negative timeout is refused with a 400 naming the field instead of being
 * stored (and silently mis-priced or mis-limited ever after).
 */
export const checkModelEntry: NonNullable<ManagementDeps["checkModel"]> = (entry, added) => {
  const result = modelListEntrySchema.safeParse(entry);
  if (result.success) {
    // The same start-time checks as a config file's model_list: a typo such as api_bse would
    // otherwise be stored and silently ignored on every call. On an update, only the keys it
    // writes: a key stored before this check existed must not block every later update.
    const written = added === undefined ? undefined : new Set(added.litellmParams);
    const typo = litellmParamTypos([result.data]).find(
      (problem) => written === undefined || written.has(problem.path.split(".").at(-1) ?? ""),
    );
    return typo
      ? { path: typo.path.replace(/^model_list\[0\]\./, ""), message: typo.message }
      : undefined;
  }
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((p) => typeof p !== "symbol").join(".");
  return { path: path || "litellm_params", message: issue.message };
};
