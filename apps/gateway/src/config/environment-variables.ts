import { envRefName, isPlainObject, type Env } from "./resolve-env-refs.ts";
import { formatPath } from "./yaml-path.ts";

export interface AppliedEnvironmentVariables {
  /** The file's `environment_variables`, resolved and stringified, for the app to apply. */
  environmentVariables: Record<string, string>;
  /** `env` with those variables merged over it: what `os.environ/` references resolve against. */
  env: Record<string, string | undefined>;
  /**
   * The section for schema validation: references replaced by their values, unset ones left
   * out (already warned about here). Other values as written, so bad ones are reported.
   */
  section: unknown;
  warnings: string[];
}

/**
 * LiteLLM sets `environment_variables` into `os.environ` before anything else reads the config,
 * overwriting variables that are already set, and a value may itself be `os.environ/OTHER`.
 * We do the same against a copy of `env`; applying them to the real process environment is the
 * app's decision. Non-scalar values are skipped here and reported by the schema.
 */
export function applyEnvironmentVariables(section: unknown, env: Env): AppliedEnvironmentVariables {
  const environmentVariables: Record<string, string> = {};
  const warnings: string[] = [];
  if (!isPlainObject(section)) return { environmentVariables, env: { ...env }, section, warnings };
  const checked: Record<string, unknown> = {};

  for (const [name, raw] of Object.entries(section)) {
    const path = formatPath(["environment_variables", name]);
    const ref = envRefName(raw);
    if (ref !== undefined) {
      const resolved = ref === "" ? undefined : env[ref];
      if (resolved === undefined) {
        warnings.push(
          `${path}: environment variable ${ref || "(empty name)"} is not set (os.environ/${ref}); ${name} is not set either`,
        );
        continue;
      }
      environmentVariables[name] = resolved;
      checked[name] = resolved;
      continue;
    }
    checked[name] = raw;
    if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") {
      environmentVariables[name] = String(raw);
    } else if (raw === null) {
      warnings.push(`${path}: has no value; ${name} is not set`);
    }
  }
  return {
    environmentVariables,
    env: { ...env, ...environmentVariables },
    section: checked,
    warnings,
  };
}
