import type { DbClient } from "@org/db";
import {
  systemClock,
  type BudgetLedger,
  type Clock,
  type Invalidation,
  type KeyInvalidationBus,
} from "@org/budgets";

export interface ManagementDeps {
  db: DbClient;
  /** Changes are published here so every instance's caches drop the old values at once. */
  bus?: KeyInvalidationBus;
  /** A manual `spend` change is set on the ledger's line; a deleted owner's line is dropped. */
  ledger?: BudgetLedger;
  clock?: Clock;
  /** LITELLM_SALT_KEY: encrypts provider credentials of models added at runtime. */
  saltKey?: string;
  /**
   * Checks a model added or changed at runtime by the rules a config's model_list entry obeys
   * (the gateway passes its config schema), so /model/new cannot store what the config loader
   * would refuse. A problem is a 400 naming `path` (e.g. `litellm_params.rpm`); nothing is stored.
   */
  checkModel?: ModelCheck;
}

/**
 * A model_list entry's problem, or undefined when it is fine. `added` names the litellm_params
 * keys this request writes (an update merges them over the stored ones): name checks such as
 * typos look only at those, so a model stored before a check existed can still be updated.
 */
export type ModelCheck = (
  entry: {
    model_name: string;
    litellm_params: Record<string, unknown>;
    model_info: Record<string, unknown>;
  },
  added?: { litellmParams: readonly string[] },
) => { path: string; message: string } | undefined;

export interface ResolvedDeps {
  readonly db: DbClient;
  readonly clock: Clock;
  readonly saltKey: string | undefined;
  readonly checkModel: ModelCheck;
  publish(message: Invalidation): Promise<void>;
  forget(lineIds: readonly string[]): Promise<void>;
  /** An admin's `spend` for a budget line (`k:<key id>`, `u:<user id>`, `o:<org id>`). */
  setSpend(lineId: string, spend: number): Promise<void>;
}

export function resolveDeps(deps: ManagementDeps): ResolvedDeps {
  return {
    db: deps.db,
    clock: deps.clock ?? systemClock,
    saltKey: deps.saltKey,
    checkModel: deps.checkModel ?? (() => undefined),
    publish: async (message) => {
      await deps.bus?.publish(message);
    },
    forget: async (ids) => {
      if (deps.ledger && ids.length > 0) await deps.ledger.forget(ids);
    },
    setSpend: async (lineId, spend) => {
      if (deps.ledger) await deps.ledger.setSpend([{ lineId, spend }]);
    },
  };
}
