import { createUndiciTransport } from "../transport/undici-transport.ts";
import type { Transport } from "../transport/transport.ts";

let shared: Transport | undefined;

/**
 * The SDK's transport, created on first use so importing `@org/core` opens nothing. One
 * instance means every `completion()` shares the keep-alive pools.
 */
export function sharedTransport(): Transport {
  shared ??= createUndiciTransport();
  return shared;
}

/** Closes the SDK's pooled connections (tests, graceful shutdown). A later call reopens. */
export async function closeSharedTransport(): Promise<void> {
  const transport = shared;
  shared = undefined;
  await transport?.close();
}
