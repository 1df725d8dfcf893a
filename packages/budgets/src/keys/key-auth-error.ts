import { AuthenticationError, type GatewayErrorOptions } from "@org/core";

/**
 * A 401 that is an `AuthenticationError` (so the gateway and SDKs treat it as one) but carries
 * LiteLLM's error `type` ("expired_key", "key_model_access_denied", ...), which LiteLLM clients
 * match on. GatewayError fixes `type` per class, hence the assignment after `super`.
 */
export class KeyAuthError extends AuthenticationError {
  /**
   * The refused key's hash when it is a key the gateway holds (blocked, expired, its team
   * blocked), so the refusal's event can name it. Never set for unknown keys: a flood of invented
   * keys must not become metric labels.
   */
  readonly keyHash: string | undefined;

  constructor(
    type: string,
    message: string,
    options: GatewayErrorOptions & { keyHash?: string } = {},
  ) {
    const { keyHash, ...rest } = options;
    super(message, { code: "401", ...rest });
    (this as { type: string }).type = type;
    this.keyHash = keyHash;
  }
}
