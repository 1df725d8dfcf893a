import type { AuthIdentity } from "./auth/authenticator.ts";
import type { SessionClaims } from "./auth/session-token.ts";

/** Typed Hono context variables shared by middleware and routes. */
export interface GatewayEnv {
  Variables: {
    identity: AuthIdentity;
    /** The dashboard session the identity came from (cookie), when it did. */
    session: SessionClaims | undefined;
    /** The call id echoed as `x-litellm-call-id`: the client's when usable, else `requestId`. */
    callId: string;
    /** The gateway's own id for this request (a fresh UUID): the key of its spend and budget holds. */
    requestId: string;
    /** The client's `x-litellm-call-id` when it sent a usable one (kept in the spend log's metadata). */
    clientCallId: string | undefined;
    /** Why the client's `x-litellm-call-id` was refused; the model routes answer 400 with it. */
    callIdProblem: string | undefined;
    /** performance.now() when the request entered the gateway. */
    startedAt: number;
    /** Set by a streaming route: the in-flight count is released when the stream ends. */
    streamHeld: boolean;
    /** Set when a route hands the request to the router, whose post-call emits its event. */
    routed: boolean;
  };
}
