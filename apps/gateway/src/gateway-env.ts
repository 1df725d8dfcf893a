import type { AuthIdentity } from "./auth/authenticator.ts";

/** Typed Hono context variables shared by middleware and routes. */
export interface GatewayEnv {
  Variables: {
    identity: AuthIdentity;
    callId: string;
    /** performance.now() when the request entered the gateway. */
    startedAt: number;
    /** Set by a streaming route: the in-flight count is released when the stream ends. */
    streamHeld: boolean;
  };
}
