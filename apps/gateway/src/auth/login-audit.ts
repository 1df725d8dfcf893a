import { hashKey } from "@org/budgets";
import type { Logger } from "@org/observability";
import type { SessionView } from "./dashboard-sessions.ts";

/** How a login was attempted: `{username, password}` or `{api_key}`. */
export type LoginMethod = "password" | "api_key";
/** Why a login was refused: wrong credentials, or the address is locked out (429). */
export type LoginFailureReason = "invalid_credentials" | "throttled";

/**
 * The audit trail of POST /v2/login: one log line per success or refusal, saying who (the admin,
 * a key by its SHA-256 hash, the hash spend logs and metrics show, or a user by the name they
 * typed) and from which address. Never the password or key itself. Refusals are also counted
 * (`countFailure`, the Prometheus counter), so a guessing run shows on a dashboard and can alert.
 */
export interface LoginAudit {
  succeeded(attempt: LoginAttempt, view: SessionView): void;
  failed(attempt: LoginAttempt, reason: LoginFailureReason): void;
}

export interface LoginAttempt {
  body: Record<string, unknown> | undefined;
  /** The TCP peer (what the throttle counts by). */
  ip: string;
  /** X-Forwarded-For as sent: informational only (a client can set it). */
  forwardedFor: string | undefined;
}

/** Long enough for any user id or email; a pasted essay does not go into the log whole. */
const MAX_LOGGED = 128;

export function createLoginAudit(options: {
  logger: Logger;
  countFailure?: (method: LoginMethod, reason: LoginFailureReason) => void;
}): LoginAudit {
  const logger = options.logger.child({ component: "dashboard-login" });

  const who = (attempt: LoginAttempt) => {
    const { body } = attempt;
    const apiKey = body?.api_key;
    const method: LoginMethod = apiKey !== undefined ? "api_key" : "password";
    const fields: Record<string, unknown> = {
      method,
      ip: attempt.ip,
      ...(attempt.forwardedFor ? { forwarded_for: clip(attempt.forwardedFor) } : {}),
    };
    if (typeof apiKey === "string" && apiKey.length > 0) fields.key_hash = hashKey(apiKey);
    else if (method === "password" && typeof body?.username === "string") {
      fields.username = clip(body.username);
    }
    return { method, fields };
  };

  return {
    succeeded(attempt, view) {
      const { fields } = who(attempt);
      // The admin by role (whichever name UI_USERNAME gave it); a key or user by the session.
      const subject =
        view.user_role === "proxy_admin" && view.user_id === null && view.key_alias === null
          ? { who: "admin" }
          : {
              who: fields.key_hash ? "virtual_key" : "user",
              ...(view.user_id ? { user_id: view.user_id } : {}),
              ...(view.key_alias ? { key_alias: view.key_alias } : {}),
              role: view.user_role,
            };
      logger.info("dashboard login succeeded", {
        event: "dashboard_login",
        outcome: "success",
        ...fields,
        ...subject,
      });
    },
    failed(attempt, reason) {
      const { method, fields } = who(attempt);
      logger.warn("dashboard login refused", {
        event: "dashboard_login",
        outcome: "failure",
        reason,
        ...fields,
      });
      options.countFailure?.(method, reason);
    },
  };
}

function clip(value: string): string {
  return value.length > MAX_LOGGED ? `${value.slice(0, MAX_LOGGED)}...` : value;
}
