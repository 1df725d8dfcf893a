/**
 * LiteLLM's model access groups: deployments list `model_info.access_groups`, and a key whose
 * `models` names a group may call every model group in it. Rebuilt whenever the model list
 * changes (config at start, /model/new|update|delete), read on every request by the budget hooks'
 * model-access check and by /v1/models.
 */
export interface AccessGroups {
  /** The access groups of a model group (the union over its deployments), if any. */
  of(modelGroup: string): readonly string[] | undefined;
  /** Replaces the mapping from a model list. */
  update(modelList: readonly AccessGroupSource[]): void;
}

export interface AccessGroupSource {
  model_name: string;
  model_info?: { access_groups?: readonly string[] | undefined } | undefined;
}

export function createAccessGroups(modelList: readonly AccessGroupSource[] = []): AccessGroups {
  let byModel = build(modelList);
  return {
    of: (modelGroup) => byModel.get(modelGroup),
    update(list) {
      byModel = build(list);
    },
  };
}

function build(modelList: readonly AccessGroupSource[]): Map<string, readonly string[]> {
  const groups = new Map<string, Set<string>>();
  for (const entry of modelList) {
    const names = entry.model_info?.access_groups;
    if (!names?.length) continue;
    let set = groups.get(entry.model_name);
    if (!set) groups.set(entry.model_name, (set = new Set()));
    for (const name of names) set.add(name);
  }
  return new Map([...groups].map(([model, set]) => [model, [...set]]));
}
