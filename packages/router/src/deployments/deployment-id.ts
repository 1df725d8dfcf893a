import { createHash } from "node:crypto";
import { isSecretParam } from "./secret-params.ts";

/**
 * A deployment's id when `model_info.id` is not given: a hash of model_name and litellm_params
 * without secrets. Every instance loading the same config computes the same id, which is what
 * lines shared state (cooldowns, usage) up across instances.
 */
export function stableDeploymentId(
  modelName: string,
  params: Readonly<Record<string, unknown>>,
): string {
  const hash = createHash("sha256");
  hash.update(modelName);
  hash.update("\0");
  hash.update(canonicalJson(params, true));
  return hash.digest("hex").slice(0, 32);
}

/** JSON with sorted keys, so key order in the YAML does not change the id. */
function canonicalJson(value: unknown, topLevel = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value)
      .filter((k) => !(topLevel && isSecretParam(k)))
      .sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
