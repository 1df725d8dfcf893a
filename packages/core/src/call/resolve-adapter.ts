import { InvalidRequestError } from "../errors/gateway-error.ts";
import type { ProviderAdapter } from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";
import type { ProviderRegistry } from "../provider/registry.ts";

/** The deployment's adapter, or a 400 naming the provider nobody registered. */
export function resolveAdapter(
  registry: ProviderRegistry,
  deployment: ProviderDeployment,
): ProviderAdapter {
  const adapter = registry.get(deployment.provider);
  if (adapter === undefined) {
    throw new InvalidRequestError(
      `Unknown provider "${deployment.provider}" (model "${deployment.provider}/${deployment.model}"). ` +
        `Known providers: ${registry.ids().sort().join(", ")}`,
      { param: "model", code: "unknown_provider" },
    );
  }
  return adapter;
}
