import type { Transport } from "../../transport/transport.ts";
import { createMockTransport } from "./mock-transport.ts";

let transport: Transport | undefined;

/** The mock transport holds no state, so one instance serves every mocked call. */
export function sharedMockTransport(): Transport {
  transport ??= createMockTransport();
  return transport;
}
