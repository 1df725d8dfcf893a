import { formatPath, type ConfigPath } from "./yaml-path.ts";

export type Env = Readonly<Record<string, string | undefined>>;

const ENV_REF_PREFIX = "os.environ/";

/** The variable a string names, if the whole string is LiteLLM's `os.environ/VAR` form. */
export function envRefName(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith(ENV_REF_PREFIX)) return undefined;
  return value.slice(ENV_REF_PREFIX.length);
}

export interface EnvRefResolution {
  value: unknown;
  /** Which variables were referenced but unset, and where. Never carries their values. */
  warnings: string[];
}

/**
 * Replaces every string `os.environ/VAR`, anywhere in the tree, with `env[VAR]`.
 *
 * A missing variable is a warning, not an error: the brief's example configs reference
 * OPENAI_API_KEY and friends, and the gateway must still start (and serve the other
 * deployments) where some are unset. The value becomes undefined, so the field reads as unset.
 * Returns a new tree; the input is not modified.
 */
export function resolveEnvRefs(
  tree: unknown,
  env: Env,
  basePath: ConfigPath = [],
): EnvRefResolution {
  const warnings: string[] = [];

  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    const name = envRefName(value);
    if (name !== undefined) {
      if (name === "") {
        warnings.push(
          `${formatPath(path)}: "os.environ/" names no variable; the value is left unset`,
        );
        return undefined;
      }
      const resolved = env[name];
      if (resolved === undefined) {
        warnings.push(
          `${formatPath(path)}: environment variable ${name} is not set (os.environ/${name}); the value is left unset`,
        );
      }
      return resolved;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) out[key] = visit(child, [...path, key]);
      return out;
    }
    return value;
  };

  return { value: visit(tree, [...basePath]), warnings };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
