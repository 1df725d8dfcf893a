import type { StoreStatus } from "./state-store.ts";

/** One deployment in `router.health()`: cooling down or not. */
export interface DeploymentHealth {
  readonly id: string;
  readonly modelName: string;
  readonly model: string;
  readonly provider: string;
  /** When cooling down: until when (ms epoch). */
  readonly cooldownUntil?: number;
}

/** `router.health()`: deployments by state, and the shared store's own status. */
export interface RouterHealth {
  readonly healthy: DeploymentHealth[];
  readonly unhealthy: DeploymentHealth[];
  readonly store: StoreStatus;
}
