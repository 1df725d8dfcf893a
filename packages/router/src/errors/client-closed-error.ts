import { GatewayError } from "@org/core";

/** The caller aborted (client disconnected): no retry, no fallback, no cooldown. */
export class ClientClosedError extends GatewayError {
  constructor(message = "The client closed the request") {
    super(499, "client_closed_request", message, { code: "client_closed_request" });
  }
}
