import { GatewayError, redactSecrets } from "@org/core";

/** A hook's or the router's own bug: a 500 whose message is redacted, never an upstream error. */
export function internalError(thrown: unknown): GatewayError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new GatewayError(500, "internal_server_error", redactSecrets(`Router error: ${message}`), {
    code: "internal_error",
    cause: thrown,
  });
}
