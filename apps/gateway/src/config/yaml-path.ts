/** A location in the config tree: object keys and array indexes, outermost first. */
export type ConfigPath = ReadonlyArray<PropertyKey>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders a path the way users read their YAML: `model_list[0].litellm_params.rpm`.
 * Keys that are not plain identifiers (model names such as "gpt-4.1") are quoted so the
 * path stays unambiguous: `router_settings.model_group_alias["gpt-4.1"]`.
 */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === "" ? "(top level)" : out;
}
