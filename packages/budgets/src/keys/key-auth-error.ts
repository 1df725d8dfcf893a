import { AuthenticationError, type GatewayErrorOptions } from "@org/core";

/**
 * A 401 that is an `AuthenticationError` (so the gateway and SDKs treat it as one) but carries
 * LiteLLM's error `type` ("expired_key", "key_model_access_denied", ...), which LiteLLM clients
 * match on. GatewayError fixes `type` per class, hence the assignment after `super`.
 */
export class KeyAuthError extends AuthenticationError {
  constructor(type: string, message: string, options: GatewayErrorOptions = {}) {
    super(message, { code: "401", ...options });
    (this as { type: string }).type = type;
  }
}
