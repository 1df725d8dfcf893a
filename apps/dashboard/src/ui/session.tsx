import { createContext, useContext } from "react";

/** What /v2/login and /v2/session answer: who the cookie's session is. */
export interface Session {
  user_role: string;
  user_id: string | null;
  key_alias: string | null;
  team_id: string | null;
  expires_at: string;
}

export const SessionContext = createContext<{ session: Session; logout: () => void } | null>(null);

export function useSession(): { session: Session; logout: () => void } {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside the signed-in shell");
  return value;
}

/** Admin views (every team's keys, users, organizations, adding models) for these roles. */
export const isAdmin = (session: Session): boolean =>
  session.user_role === "proxy_admin" || session.user_role === "proxy_admin_viewer";

/** Roles that may change things (viewers only look). */
export const canWrite = (session: Session): boolean => !session.user_role.endsWith("_viewer");
