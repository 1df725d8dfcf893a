import type { ConfigIssue } from "./config-error.ts";
import { closestName } from "./edit-distance.ts";
import { PASS_THROUGH_LITELLM_PARAMS } from "./known-litellm-params.ts";
import { litellmParamsSchema, type ModelListEntry } from "./model-list-schema.ts";
import { formatPath } from "./yaml-path.ts";

const KNOWN = [...Object.keys(litellmParamsSchema.shape), ...PASS_THROUGH_LITELLM_PARAMS];
const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN);

/**
 * At most two edits, and fewer for short names: `rpn` is a typo of `rpm`, but a one-letter key
 * is not a typo of a three-letter one.
 */
const typoDistance = (known: string) => Math.min(2, Math.floor(known.length / 3));

/**
 * LiteLLM passes unknown `litellm_params` keys on to the provider, so an unknown key cannot be
 * refused outright (vertex_project, aws_region_name, ... are valid). But `api_bse` silently
 * ignored means calls go to the default endpoint with no hint why: a key that is not known yet
 * lies within a typo of a known one is an error at start, naming the key it resembles. Other
 * unknown keys are passed through as before.
 */
export function litellmParamTypos(models: readonly ModelListEntry[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  models.forEach((entry, index) => {
    for (const key of Object.keys(entry.litellm_params)) {
      if (KNOWN_SET.has(key)) continue;
      const near = closestName(key, KNOWN, typoDistance);
      if (near === undefined) continue;
      issues.push({
        path: formatPath(["model_list", index, "litellm_params", key]),
        message: `litellm_params.${key} is not a known setting; did you mean ${near}?`,
      });
    }
  });
  return issues;
}
