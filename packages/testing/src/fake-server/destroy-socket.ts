import type { FakeDestroy } from "./fake-response.ts";

/** Resets the connection before any response: the client sees ECONNRESET. */
export function destroySocket(): FakeDestroy {
  return { kind: "destroy" };
}
