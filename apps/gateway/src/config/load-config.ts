import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { defaultProviders } from "@org/core";
import { applyIncludes } from "./apply-includes.ts";
import { ConfigError } from "./config-error.ts";
import { gatewayConfigSchema, type GatewayConfig } from "./config-schema.ts";
import { DEFAULT_CONFIG_SOURCE, defaultConfig } from "./default-config.ts";
import { applyEnvironmentVariables } from "./environment-variables.ts";
import { buildGeneralSettings, type GeneralSettings } from "./general-settings.ts";
import { checkKeySupport } from "./key-support.ts";
import { parseYaml } from "./read-yaml.ts";
import { isPlainObject, resolveEnvRefs, type Env } from "./resolve-env-refs.ts";
import { buildRouterConfig, type RouterConfig } from "./router-config.ts";
import { validateReferences } from "./validate-references.ts";
import { buildCacheConfig, type CacheConfig } from "./cache-config.ts";
import { toConfigIssues } from "./zod-issues.ts";

export interface LoadedConfig {
  /** Absolute path of the config file, or DEFAULT_CONFIG_SOURCE. */
  source: string;
  /** The parsed, env-resolved file (includes merged). Unknown keys are kept. */
  config: GatewayConfig;
  /** What @org/router needs, in LiteLLM's snake_case shape. */
  router: RouterConfig;
  /** Server settings with defaults applied. */
  general: GeneralSettings;
  /** The response cache (`litellm_settings.cache: true`), checked; undefined when off. */
  cache: CacheConfig | undefined;
  /** Startup messages to log: planned/unknown keys, unset variables, dangling fallbacks... */
  warnings: string[];
  /** The file's environment_variables, resolved; the app decides whether to set them. */
  environmentVariables: Record<string, string>;
}

export interface LoadConfigOptions {
  /** Config file path (--config or CONFIG_FILE_PATH). Without it, the built-in mock config. */
  path?: string;
  /** Environment that `os.environ/VAR` references resolve against (usually process.env). */
  env: Env;
  /**
   * Provider ids with adapters; a deployment of any other provider is a config error.
   * Default: @org/core's built-in providers (what the router uses unless given a registry).
   */
  knownProviders?: Iterable<string>;
}

export interface LoadConfigFromObjectOptions {
  env: Env;
  /** Named in messages and in LoadedConfig.source. Default "config object". */
  source?: string;
  knownProviders?: Iterable<string>;
}

/**
 * Loads LiteLLM's config.yaml. Throws ConfigError (listing every problem with its YAML path)
 * when the file is unreadable, not YAML, or does not match the schema; everything that still
 * lets the gateway run is returned as a warning instead.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  if (options.path === undefined || options.path.trim() === "") {
    return build(defaultConfig(), {
      source: DEFAULT_CONFIG_SOURCE,
      env: options.env,
      knownProviders: options.knownProviders,
      warnings: [
        "no config file given (--config or CONFIG_FILE_PATH): serving the built-in 'mock' model only",
      ],
    });
  }

  const file = resolve(options.path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(file, [{ path: "(file)", message: reason }], "cannot read config");
  }

  const parsed = parseYaml(text, file);
  const warnings = [...parsed.warnings];
  let raw = parsed.value;
  if (raw === null || raw === undefined) {
    warnings.push(`${file}: the config file is empty`);
    raw = {};
  }
  if (!isPlainObject(raw)) {
    throw new ConfigError(file, [
      {
        path: "(top level)",
        message: "expected a mapping with model_list, litellm_settings, router_settings, ...",
      },
    ]);
  }

  const withIncludes = await applyIncludes(raw, file);
  warnings.push(...withIncludes.warnings);
  return build(withIncludes.config, {
    source: file,
    env: options.env,
    knownProviders: options.knownProviders,
    warnings,
    // Line numbers are only trustworthy when every key came from this one file.
    ...(withIncludes.included.length === 0 ? { lineOf: parsed.lineOf } : {}),
  });
}

/** The same pipeline for an already-parsed config (tests, or a config the app assembled). */
export function loadConfigFromObject(
  raw: unknown,
  options: LoadConfigFromObjectOptions,
): LoadedConfig {
  const source = options.source ?? "config object";
  if (!isPlainObject(raw)) {
    throw new ConfigError(source, [
      { path: "(top level)", message: "expected an object of config sections" },
    ]);
  }
  const warnings: string[] = [];
  const { include, ...rest } = raw;
  if (include !== undefined) {
    warnings.push("include is only processed when loading a config file; it was ignored");
  }
  return build(rest, {
    source,
    env: options.env,
    knownProviders: options.knownProviders,
    warnings,
  });
}

interface BuildContext {
  source: string;
  env: Env;
  knownProviders: Iterable<string> | undefined;
  warnings: string[];
  lineOf?: (path: ReadonlyArray<PropertyKey>) => number | undefined;
}

function build(raw: Record<string, unknown>, context: BuildContext): LoadedConfig {
  const warnings = [...context.warnings, ...checkKeySupport(raw)];

  // LiteLLM applies environment_variables before reading anything else, so references
  // elsewhere in the file can use them.
  const applied = applyEnvironmentVariables(raw.environment_variables, context.env);
  warnings.push(...applied.warnings);
  const { environment_variables: environmentSection, ...others } = raw;
  const resolved = resolveEnvRefs(others, applied.env);
  warnings.push(...resolved.warnings);
  const candidate = {
    ...(resolved.value as Record<string, unknown>),
    ...(environmentSection !== undefined ? { environment_variables: applied.section } : {}),
  };

  const result = gatewayConfigSchema.safeParse(candidate, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(context.source, toConfigIssues(result.error, context.lineOf));
  }
  const config = result.data;

  const { router, warnings: routerWarnings } = buildRouterConfig(config);
  warnings.push(...routerWarnings);

  const references = validateReferences(config, router.settings, {
    knownProviders: context.knownProviders ?? defaultProviders().ids(),
  });
  const cache = buildCacheConfig(config, applied.env);
  warnings.push(...cache.warnings);
  const errors = [...references.errors, ...cache.errors];
  if (errors.length > 0) {
    throw new ConfigError(
      context.source,
      errors.map((issue) => {
        const line = context.lineOf?.(pathFromIssue(issue.path));
        return line === undefined ? issue : { ...issue, line };
      }),
    );
  }
  warnings.push(...references.warnings);

  return {
    source: context.source,
    config,
    router,
    general: buildGeneralSettings(config),
    cache: cache.cache,
    warnings,
    environmentVariables: applied.environmentVariables,
  };
}

/** Parses the simple `a.b[0].c` paths validateReferences produces back into segments. */
function pathFromIssue(path: string): PropertyKey[] {
  return [...path.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : (match[1] ?? ""),
  );
}
