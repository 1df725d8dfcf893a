import { auditLogs, users, type Database } from "@org/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import { freshDatabase, integrationUrl } from "./__fixtures__/integration.ts";
import { callerFrom } from "./caller.ts";
import { createManagement, type Management } from "./create-management.ts";

// Users' dashboard passwords on a real PostgreSQL: what the row holds (a salted scrypt hash,
// never the password), what the audit trail holds (neither), and the login lookup by user_id or
// email, including users who share an email.

const url = integrationUrl("TEST_DATABASE_URL");

describe.skipIf(!url)("user passwords on PostgreSQL (TEST_DATABASE_URL)", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let m: Management;
  const admin = callerFrom({ kind: "master", keyHash: hashKey("sk-master") });
  const stored = async (id: string) =>
    (await database.db.select().from(users).where(eq(users.id, id)))[0]!.passwordHash;

  beforeAll(async () => {
    ({ database, drop } = await freshDatabase(url!));
    m = createManagement({ db: database.db });
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });

  it("stores a salted scrypt hash: never the password, different for the same password", async () => {
    const same = "the same password for both";
    await m.users.create(admin, { user_id: "u1", password: same, auto_create_key: false });
    await m.users.create(admin, { user_id: "u2", password: same, auto_create_key: false });
    const [h1, h2] = [await stored("u1"), await stored("u2")];
    expect(h1).toMatch(/^scrypt\$[\w-]{22}\$[\w-]{43}$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain(same);
    const audit = JSON.stringify(await database.db.select().from(auditLogs));
    expect(audit).not.toContain(same);
    expect(audit).not.toContain(h1!.split("$")[2]!);
  });

  it("finds the user by user_id or email, and only with their own password", async () => {
    await m.users.create(admin, {
      user_id: "shared-1",
      user_email: "shared@example.com",
      password: "first user's password",
      auto_create_key: false,
    });
    // /user/new now refuses a used email: the second user is one made before it did.
    await expect(
      m.users.create(admin, {
        user_id: "shared-2",
        user_email: "SHARED@example.com",
        auto_create_key: false,
      }),
    ).rejects.toMatchObject({ status: 400, param: "user_email" });
    await m.users.create(admin, {
      user_id: "shared-2",
      password: "second user's password",
      auto_create_key: false,
    });
    await database.db
      .update(users)
      .set({ userEmail: "shared@example.com" })
      .where(eq(users.id, "shared-2"));
    // Lookups by an email two users have refuse rather than pick one of them.
    const { team_id } = (await m.teams.create(admin, { team_alias: "shared" })) as {
      team_id: string;
    };
    for (const lookup of [
      () => m.users.update(admin, { user_email: "shared@example.com", user_alias: "x" }),
      () =>
        m.teams.memberAdd(admin, {
          team_id,
          member: { user_email: "shared@example.com", role: "admin" },
        }),
      () => m.teams.memberDelete(admin, { team_id, user_email: "shared@example.com" }),
    ])
      await expect(lookup()).rejects.toMatchObject({
        status: 400,
        param: "user_email",
        message: expect.stringContaining("use user_id"),
      });
    const byEmail = await m.userLogin.verify("shared@example.com", "second user's password");
    expect(byEmail).toMatchObject({ userId: "shared-2", userRole: "internal_user" });
    expect(byEmail).not.toHaveProperty("passwordHash");
    expect(await m.userLogin.verify("shared-1", "first user's password")).toMatchObject({
      userId: "shared-1",
    });
    expect(await m.userLogin.verify("shared-1", "second user's password")).toBeUndefined();
    expect(await m.userLogin.verify("nobody", "first user's password")).toBeUndefined();
    // An email spelled like another user's id does not log into that user.
    await m.users.update(admin, { user_id: "shared-2", user_email: "shared-1" });
    expect(await m.userLogin.verify("shared-1", "second user's password")).toMatchObject({
      userId: "shared-2",
    });
    expect(await m.userLogin.verify("shared-1", "first user's password")).toMatchObject({
      userId: "shared-1",
    });
  });

  it("a session's password version stops matching once the password changes or is removed", async () => {
    const user = (await m.userLogin.verify("u1", "the same password for both"))!;
    expect(await m.userLogin.load("u1", user.passwordVersion)).toMatchObject({ userId: "u1" });
    expect(await m.userLogin.load("u1", "not-the-version")).toBeUndefined();
    await m.users.update(admin, { user_id: "u1", password: "a brand new password" });
    expect(await m.userLogin.load("u1", user.passwordVersion)).toBeUndefined();
    await m.users.update(admin, { user_id: "u1", password: null });
    expect(await stored("u1")).toBeNull();
    expect(await m.userLogin.verify("u1", "a brand new password")).toBeUndefined();
  });
});
