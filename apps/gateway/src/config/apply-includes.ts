import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { parseYaml } from "./read-yaml.ts";
import { isPlainObject } from "./resolve-env-refs.ts";
import { formatPath } from "./yaml-path.ts";

export interface IncludeResult {
  config: Record<string, unknown>;
  warnings: string[];
  /** Absolute paths of the files merged in, in order. */
  included: string[];
}

/**
 * LiteLLM's `include: [other.yaml, ...]`: files resolved relative to the including file and
 * merged into it. Lists are concatenated (main file first), so a `model_list` can be split
 * across files. Where both files set the same key, the included file wins, as in LiteLLM.
 *
 * One deliberate difference: LiteLLM replaces a whole section (say `litellm_settings`) when an
 * included file also has it, dropping the main file's keys without a word. We merge the
 * section key by key instead, and warn about every key the included file overrides.
 */
export async function applyIncludes(
  config: Record<string, unknown>,
  configFile: string,
): Promise<IncludeResult> {
  const { include, ...rest } = config;
  if (include === undefined || include === null)
    return { config: rest, warnings: [], included: [] };
  if (!Array.isArray(include) || !include.every((item) => typeof item === "string")) {
    throw new ConfigError(configFile, [
      { path: "include", message: "expected a list of file paths" },
    ]);
  }

  const warnings: string[] = [];
  const included: string[] = [];
  let merged: Record<string, unknown> = rest;
  for (const [index, name] of include.entries()) {
    const file = resolve(dirname(configFile), name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new ConfigError(configFile, [
        { path: formatPath(["include", index]), message: `included file not found: ${file}` },
      ]);
    }
    const parsed = parseYaml(text, file);
    warnings.push(...parsed.warnings);
    const value = parsed.value ?? {};
    if (!isPlainObject(value)) {
      throw new ConfigError(file, [
        { path: "(top level)", message: "expected a mapping of config sections" },
      ]);
    }
    const { include: nested, ...fragment } = value;
    if (nested !== undefined) {
      warnings.push(`${file}: nested include is not processed (LiteLLM does not either)`);
    }
    merged = mergeFragment(merged, fragment, name, warnings);
    included.push(file);
  }
  return { config: merged, warnings, included };
}

function mergeFragment(
  base: Record<string, unknown>,
  fragment: Record<string, unknown>,
  name: string,
  warnings: string[],
): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(fragment)) {
    const current = out[key];
    if (Array.isArray(current) && Array.isArray(value)) {
      out[key] = [...current, ...value];
    } else if (isPlainObject(current) && isPlainObject(value)) {
      for (const inner of Object.keys(value)) {
        if (inner in current)
          warnings.push(
            `include ${name}: ${formatPath([key, inner])} overrides the value in the main file`,
          );
      }
      out[key] = { ...current, ...value };
    } else {
      if (current !== undefined && current !== null) {
        warnings.push(`include ${name}: ${formatPath([key])} overrides the value in the main file`);
      }
      out[key] = value;
    }
  }
  return out;
}
