import type { ConfigIssue } from "./config-error.ts";
import type { GatewayConfig } from "./config-schema.ts";
import { closestName } from "./edit-distance.ts";
import { litellmParamTypos } from "./litellm-param-typos.ts";
import { routerSettingPath, type RouterSettings } from "./router-config.ts";
import { formatPath } from "./yaml-path.ts";

export interface ReferenceCheck {
  warnings: string[];
  /** Problems that make the config unusable (duplicate ids, unknown providers, param typos). */
  errors: ConfigIssue[];
}

export interface ReferenceCheckOptions {
  /** Provider ids the gateway has adapters for; when given, other providers are errors. */
  knownProviders?: Iterable<string>;
}

/**
 * Cross-checks that a schema cannot express. Fallback and alias names that match no model_name
 * are reported now, at startup, instead of surfacing as a confusing error on the request that
 * first needs them (the product brief's load-balancing example has two such targets).
 */
export function validateReferences(
  config: GatewayConfig,
  settings: RouterSettings,
  options: ReferenceCheckOptions = {},
): ReferenceCheck {
  const warnings: string[] = [];
  const errors: ConfigIssue[] = [];
  const models = config.model_list ?? [];
  const names = new ModelNames(models.map((entry) => entry.model_name));

  // An alias is usable as a model name once its target exists, so check aliases first.
  const aliases = settings.model_group_alias ?? {};
  for (const [alias, target] of Object.entries(aliases)) {
    const targetName = typeof target === "string" ? target : target.model;
    if (names.has(targetName)) continue;
    warnings.push(
      `${formatPath(["router_settings", "model_group_alias", alias])}: alias '${alias}' points to '${targetName}', which is not a model_name in model_list; requests for '${alias}' will fail`,
    );
  }
  const resolvable = new ModelNames([
    ...models.map((entry) => entry.model_name),
    ...Object.entries(aliases)
      .filter(([, target]) => names.has(typeof target === "string" ? target : target.model))
      .map(([alias]) => alias),
  ]);

  const providerModelOwner = (name: string): string | undefined => {
    const index = models.findIndex((entry) => {
      const model = entry.litellm_params.model;
      return model === name || model.endsWith(`/${name}`);
    });
    const owner = models[index];
    return owner ? `model_list[${index}] (${owner.model_name})` : undefined;
  };

  for (const key of [
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
  ] as const) {
    const origin = routerSettingPath(config, key);
    const entries = origin ? originalFallbacks(config, origin) : undefined;
    if (!origin || !entries) continue;
    entries.forEach((entry, index) => {
      const where = formatPath([...origin, index]);
      for (const [source, targets] of Object.entries(entry)) {
        // "*" is LiteLLM's catch-all: fallbacks for any model group without its own entry.
        if (source !== "*" && !resolvable.has(source)) {
          warnings.push(
            `${where}: fallbacks are set for '${source}', which is not a model_name in model_list; this entry never applies`,
          );
        }
        for (const target of targets) {
          if (resolvable.has(target)) continue;
          const owner = providerModelOwner(target);
          warnings.push(
            `${where}: ${source} falls back to '${target}', which is not a model_name in model_list; that fallback will be skipped` +
              (owner
                ? ` ('${target}' is the provider model of ${owner}; fallbacks name a model_name)`
                : ""),
          );
        }
      }
    });
  }

  const defaultsOrigin = routerSettingPath(config, "default_fallbacks");
  (settings.default_fallbacks ?? []).forEach((target, index) => {
    if (resolvable.has(target) || !defaultsOrigin) return;
    warnings.push(
      `${formatPath([...defaultsOrigin, index])}: default fallback '${target}' is not a model_name in model_list; it will be skipped`,
    );
  });

  const known = options.knownProviders ? new Set(options.knownProviders) : undefined;
  const seenIds = new Map<string, number>();
  models.forEach((entry, index) => {
    const params = entry.litellm_params;
    const model = params.model;
    const slash = model.indexOf("/");
    if (slash <= 0 && !model.includes("*") && params.custom_llm_provider === undefined) {
      warnings.push(
        `${formatPath(["model_list", index, "litellm_params", "model"])}: '${model}' has no provider prefix, so it is treated as 'openai/${model}' (as LiteLLM does); write the prefix to make this explicit`,
      );
    }
    // As the router decides: custom_llm_provider wins over the prefix (which may then be part
    // of the provider's model name, e.g. `meta-llama/Llama-3` on together_ai).
    const custom = params.custom_llm_provider ? params.custom_llm_provider : undefined;
    const provider = custom ?? (slash > 0 ? model.slice(0, slash) : "openai");
    // Every request to such a deployment would fail. A near miss of a provider we serve
    // (`openaii/gpt-4o`) is a typo: refuse to start, naming it. A provider LiteLLM has and we do
    // not (sagemaker/, azure_ai/) is said at start but does not stop a working config from
    // serving its other models (it used to surface only on the first request).
    if (known && !known.has(provider) && !provider.includes("*")) {
      const near = closestName(provider, known, (id) => Math.min(2, Math.floor(id.length / 3)));
      const field = custom === undefined ? "model" : "custom_llm_provider";
      const path = formatPath(["model_list", index, "litellm_params", field]);
      const what = `unknown provider '${provider}'${custom === undefined ? ` in '${model}'` : ""} (model_name '${entry.model_name}')`;
      if (near) errors.push({ path, message: `${what}; did you mean ${near}?` });
      else
        warnings.push(`${path}: ${what} is not served by this gateway; requests to it will fail`);
    }

    const id = entry.model_info?.id;
    if (id === undefined) return;
    const first = seenIds.get(id);
    if (first === undefined) {
      seenIds.set(id, index);
    } else {
      errors.push({
        path: formatPath(["model_list", index, "model_info", "id"]),
        message: `'${id}' is already the id of model_list[${first}]; deployment ids must be unique`,
      });
    }
  });

  errors.push(...litellmParamTypos(models));

  if (models.length === 0) {
    warnings.push("model_list is empty: the gateway starts, but has no models to serve");
  }

  return { warnings, errors };
}

/** The fallback entries as written in the config, so messages cite the user's own indexes. */
function originalFallbacks(
  config: GatewayConfig,
  [section, key]: ["router_settings" | "litellm_settings", string],
): Array<Record<string, string[]>> | undefined {
  const value = config[section]?.[key];
  return Array.isArray(value) ? (value as Array<Record<string, string[]>>) : undefined;
}

/** model_name matching, including LiteLLM wildcard routes such as `openai/*` or `*`. */
class ModelNames {
  readonly #exact: Set<string>;
  readonly #patterns: RegExp[];

  constructor(names: Iterable<string>) {
    const all = [...names];
    this.#exact = new Set(all);
    this.#patterns = all
      .filter((name) => name.includes("*"))
      .map(
        (name) =>
          new RegExp(
            `^${name
              .split("*")
              .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
              .join(".*")}$`,
          ),
      );
  }

  has(name: string): boolean {
    return this.#exact.has(name) || this.#patterns.some((pattern) => pattern.test(name));
  }
}
