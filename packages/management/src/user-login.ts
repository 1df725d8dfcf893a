import { createHash } from "node:crypto";
import { users, type DbClient } from "@org/db";
import { eq, or } from "drizzle-orm";
import { hashPassword, verifyPassword } from "./password.ts";

/**
 * The internal user behind a dashboard login (LiteLLM's UI login with user_email or user_id and
 * the password /user/new or /user/update gave them). Never the hash: `passwordVersion` is a
 * digest of it, so a session can name the password it was opened with without carrying it, and
 * stops when the password is changed or removed.
 */
export interface LoginUser {
  userId: string;
  userRole: string;
  userEmail: string | null;
  organizationId: string | null;
  models: readonly string[];
  passwordVersion: string;
}

/** Users sharing one email (the column is not unique) tried at most for one login. */
const MAX_EMAIL_MATCHES = 5;

const versionOf = (passwordHash: string) =>
  createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);

const loginUser = (u: typeof users.$inferSelect): LoginUser | undefined =>
  u.passwordHash
    ? {
        userId: u.id,
        userRole: u.userRole,
        userEmail: u.userEmail,
        organizationId: u.organizationId,
        models: u.models ?? [],
        passwordVersion: versionOf(u.passwordHash),
      }
    : undefined;

export function createUserLogin(db: DbClient) {
  // Hashed once, lazily: an unknown user still costs one scrypt, so timing does not tell a
  // guesser whether the name exists.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword("decoy password, never a real one"));

  return {
    /**
     * The user named by `username` (their user_id, or their user_email) whose password this is;
     * undefined for an unknown name, a user without a password and a wrong password alike.
     */
    async verify(username: string, password: string): Promise<LoginUser | undefined> {
      const rows = await db
        .select()
        .from(users)
        .where(or(eq(users.id, username), eq(users.userEmail, username)))
        .orderBy(users.createdAt, users.id)
        .limit(MAX_EMAIL_MATCHES);
      // The user whose id it is first: an email spelled like another user's id does not win.
      rows.sort((a, b) => Number(b.id === username) - Number(a.id === username));
      let found: LoginUser | undefined;
      let tried = false;
      for (const row of rows) {
        if (!row.passwordHash) continue;
        tried = true;
        if (await verifyPassword(password, row.passwordHash)) {
          found = loginUser(row);
          break;
        }
      }
      if (!tried) await verifyPassword(password, await decoyHash());
      return found;
    },

    /**
     * The user a session names, read again on every dashboard request: undefined once they are
     * deleted or their password was changed or removed (`passwordVersion` no longer matches).
     */
    async load(userId: string, passwordVersion: string): Promise<LoginUser | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
      const user = row ? loginUser(row) : undefined;
      return user && user.passwordVersion === passwordVersion ? user : undefined;
    },
  };
}

export type UserLogin = ReturnType<typeof createUserLogin>;
