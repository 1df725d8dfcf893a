import type { ModelListEntry } from "../config/model-list.ts";
import type { ResolvedSettings } from "../config/resolve-settings.ts";
import type { Deployment } from "./deployment.ts";
import { buildDeployment, deriveDeployment } from "./deployment.ts";
import { stableDeploymentId } from "./deployment-id.ts";
import type { WildcardPattern } from "./wildcard-pattern.ts";
import { compareSpecificity, compileWildcard, substituteWildcards } from "./wildcard-pattern.ts";

/** The deployments a requested model name routes to. */
export interface ModelGroup {
  /** The group name used for routing, fallbacks, state and headers (for a wildcard: the requested model). */
  readonly name: string;
  readonly deployments: readonly Deployment[];
}

/** Bound on concrete models remembered per wildcard table: request model names come from clients. */
const MAX_DERIVED = 1000;

/**
 * The model_list, indexed. Immutable: `setModelList` builds a new table and swaps it in, so a
 * request that started on the old list finishes on it.
 */
export class ModelTable {
  readonly deployments: readonly Deployment[];
  readonly #groups = new Map<string, ModelGroup>();
  readonly #patterns: Array<{ pattern: WildcardPattern; deployments: Deployment[] }> = [];
  readonly #aliases: ResolvedSettings["aliases"];
  readonly #derived = new Map<string, ModelGroup | null>();

  constructor(list: readonly ModelListEntry[], settings: ResolvedSettings) {
    this.#aliases = settings.aliases;
    const seen = new Map<string, number>();
    const deployments: Deployment[] = [];
    for (const entry of list) {
      validateEntry(entry);
      let id =
        entry.model_info?.id !== undefined && entry.model_info.id !== ""
          ? String(entry.model_info.id)
          : stableDeploymentId(entry.model_name, entry.litellm_params);
      // Entries identical but for their secrets (one model behind two API keys) would share an
      // id; the n-th duplicate gets a suffix, stable as long as the config order is.
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      if (count > 1) id = `${id}-${count}`;
      deployments.push(buildDeployment(entry, id, settings.dropParams));
    }
    this.deployments = deployments;

    const byName = new Map<string, Deployment[]>();
    for (const d of deployments) {
      const list = byName.get(d.modelGroup);
      if (list === undefined) byName.set(d.modelGroup, [d]);
      else list.push(d);
    }
    for (const [name, group] of byName) {
      this.#groups.set(name, { name, deployments: group });
      if (name.includes("*"))
        this.#patterns.push({ pattern: compileWildcard(name), deployments: group });
    }
    this.#patterns.sort((a, b) => compareSpecificity(a.pattern, b.pattern));
  }

  /** Alias first (LiteLLM's order), then an exact model_name, then the most specific wildcard. */
  resolve(requested: string): ModelGroup | undefined {
    const alias = this.#aliases.get(requested);
    const name = alias === undefined ? requested : alias.group;
    const exact = this.#groups.get(name);
    if (exact !== undefined && !name.includes("*")) return exact;
    return this.#wildcard(name);
  }

  has(requested: string): boolean {
    return this.resolve(requested) !== undefined;
  }

  /** model_names in config order, then visible aliases: what /v1/models lists. */
  groupNames(): string[] {
    const names = [...this.#groups.keys()];
    for (const [alias, { hidden }] of this.#aliases) {
      if (!hidden && !this.#groups.has(alias)) names.push(alias);
    }
    return names;
  }

  #wildcard(name: string): ModelGroup | undefined {
    if (this.#patterns.length === 0) return undefined;
    const cached = this.#derived.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let found: ModelGroup | null = null;
    for (const { pattern, deployments } of this.#patterns) {
      const match = pattern.regex.exec(name);
      if (match === null) continue;
      found = {
        name,
        deployments: deployments.map((d) =>
          deriveDeployment(d, substituteWildcards(d.model, match)),
        ),
      };
      break;
    }
    if (this.#derived.size >= MAX_DERIVED) this.#derived.clear();
    this.#derived.set(name, found);
    return found ?? undefined;
  }
}

function validateEntry(entry: ModelListEntry): void {
  if (entry === null || typeof entry !== "object")
    throw new Error("model_list entries must be objects");
  if (typeof entry.model_name !== "string" || entry.model_name === "") {
    throw new Error("model_list entry without model_name");
  }
  if (
    entry.litellm_params === null ||
    typeof entry.litellm_params !== "object" ||
    typeof entry.litellm_params.model !== "string" ||
    entry.litellm_params.model === ""
  ) {
    throw new Error(`model_list entry "${entry.model_name}" has no litellm_params.model`);
  }
}
