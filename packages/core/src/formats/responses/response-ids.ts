/**
 * Ids and timestamps for one response. Injected into the converters so they stay pure and
 * tests can pin every id; `randomResponseIds()` is what the gateway uses.
 */
export interface ResponseIds {
  /** `resp_...` */
  readonly responseId: string;
  /** Unix seconds when the response was created. */
  readonly createdAt: number;
  /** A new output item id: `msg_...`, `fc_...` or `rs_...`. */
  itemId(kind: ResponseItemKind): string;
  /** Unix seconds now (for `completed_at`). */
  now(): number;
}

export type ResponseItemKind = "msg" | "fc" | "rs";

/** OpenAI's ids are a prefix and 48 hex digits; these look the same. */
export function randomResponseIds(clock: () => number = Date.now): ResponseIds {
  const seconds = () => Math.floor(clock() / 1000);
  return {
    responseId: `resp_${randomHex(24)}`,
    createdAt: seconds(),
    itemId: (kind) => `${kind}_${randomHex(24)}`,
    now: seconds,
  };
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const byte of buffer) out += byte.toString(16).padStart(2, "0");
  return out;
}
