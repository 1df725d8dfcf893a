import type { ResponseIds } from "../response-ids.ts";

/** Predictable ids for tests: `resp_test`, then `msg_1`, `fc_2`, ... in order of creation. */
export function fixedResponseIds(): ResponseIds {
  let next = 0;
  return {
    responseId: "resp_test",
    createdAt: 1_700_000_000,
    itemId: (kind) => `${kind}_${++next}`,
    now: () => 1_700_000_005,
  };
}
