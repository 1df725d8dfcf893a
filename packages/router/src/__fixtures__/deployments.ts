import { resolveSettings } from "../config/resolve-settings.ts";
import type { ModelListEntry } from "../config/model-list.ts";
import type { Deployment } from "../deployments/deployment.ts";
import { ModelTable } from "../deployments/model-table.ts";

/** Deployments of one group, built the way the router builds them. */
export function deploymentsOf(entries: ModelListEntry[]): Deployment[] {
  return [...new ModelTable(entries, resolveSettings({})).deployments];
}
