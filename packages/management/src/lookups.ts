import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  organizations,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type DbClient,
  type Team,
  type User,
  type VirtualKey,
} from "@org/db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { budgetDuration, hashKey, isKeyHash, nextResetAt, type BudgetDuration } from "@org/budgets";
import type { MemberJson } from "./serializers.ts";

/** A key given as the key itself, its hash (token_id) or its id. */
export async function findKey(db: DbClient, ref: string): Promise<VirtualKey | undefined> {
  const where = ref.startsWith("sk-")
    ? eq(virtualKeys.tokenHash, hashKey(ref))
    : isKeyHash(ref)
      ? eq(virtualKeys.tokenHash, ref)
      : eq(virtualKeys.id, ref);
  const rows = await db.select().from(virtualKeys).where(where).limit(1);
  return rows[0];
}

export async function requireKey(db: DbClient, ref: string): Promise<VirtualKey> {
  const key = await findKey(db, ref);
  if (!key)
    throw new NotFoundError(`Key not found: ${display(ref)}`, { param: "key", code: "404" });
  return key;
}

/**
 * The one user with this email, or undefined. Emails are not unique in the table (users made
 * before /user/new and /user/update refused a used one may share one): when several users have
 * it this refuses (400) rather than pick one, since the wrong pick would give one user another's
 * team role or settings.
 */
export async function userByEmail(
  db: DbClient,
  email: string,
  param = "user_email",
): Promise<User | undefined> {
  const rows = await db.select().from(users).where(eq(users.userEmail, email)).limit(2);
  if (rows.length > 1)
    throw new InvalidRequestError("Several users have this email; use user_id instead.", {
      param,
      code: "400",
    });
  return rows[0];
}

/**
 * Refuses (400, param `user_email`) an email another user (not `exceptUserId`) already has,
 * compared without case. Holds a transaction lock on the email first, so two requests giving
 * it at once cannot both pass: call it inside the transaction that writes the email.
 */
export async function requireEmailUnused(
  db: DbClient,
  email: string,
  exceptUserId?: string,
): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(lower(${email})))`);
  const sameEmail = sql`lower(${users.userEmail}) = lower(${email})`;
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(exceptUserId === undefined ? sameEmail : and(sameEmail, ne(users.id, exceptUserId)))
    .limit(1);
  if (rows.length > 0)
    throw new InvalidRequestError("Another user already has this email.", {
      param: "user_email",
      code: "400",
    });
}

/** Class of the transaction locks taken on a key alias (apart from requireEmailUnused's). */
const KEY_ALIAS_LOCK = 0x6b61;

/**
 * Refuses (400, param `key_alias`) an alias another key (not `exceptKeyId`) already has, as
 * LiteLLM does: aliases name keys in /key/delete, the key list and spend filters, and in what
 * spend logs, metrics and callbacks report, so a second key under someone's alias would be
 * deleted with theirs and have its spend shown as theirs. Call it inside the transaction that
 * writes the alias (it holds a lock on the alias until the commit).
 */
export async function requireKeyAliasUnused(
  db: DbClient,
  alias: string | null | undefined,
  exceptKeyId?: string,
): Promise<void> {
  if (!alias) return;
  await db.execute(sql`select pg_advisory_xact_lock(${KEY_ALIAS_LOCK}, hashtext(${alias}))`);
  const same = eq(virtualKeys.keyAlias, alias);
  const rows = await db
    .select({ id: virtualKeys.id })
    .from(virtualKeys)
    .where(exceptKeyId === undefined ? same : and(same, ne(virtualKeys.id, exceptKeyId)))
    .limit(1);
  if (rows.length > 0)
    throw new InvalidRequestError(
      `Key with alias '${alias}' already exists. Unique key aliases across all keys are required.`,
      { param: "key_alias", code: "400" },
    );
}

/** `param` is the request field that named the team (`team_ids` on /team/delete). */
export async function requireTeam(db: DbClient, teamId: string, param = "team_id"): Promise<Team> {
  const rows = await db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!rows[0])
    throw new NotFoundError(`Team not found, passed team_id=${teamId}`, { param, code: "404" });
  return rows[0];
}

/**
 * A team, user, organization or budget named in a request must exist (400, LiteLLM's status).
 * `param` is the request field that named it when that is not `kind` (e.g. `teams`).
 */
export async function requireReference(
  db: DbClient,
  kind: "team_id" | "user_id" | "organization_id" | "budget_id",
  id: string,
  param: string = kind,
): Promise<void> {
  const table = {
    team_id: teams,
    user_id: users,
    organization_id: organizations,
    budget_id: budgets,
  }[kind];
  const rows = await db.select({ id: table.id }).from(table).where(eq(table.id, id)).limit(1);
  if (rows.length === 0) {
    throw new InvalidRequestError(`${kind}=${id} does not exist`, { param, code: "400" });
  }
}

export async function teamRole(
  db: DbClient,
  teamId: string,
  userId: string | undefined,
): Promise<string | undefined> {
  if (!userId) return undefined;
  const rows = await db
    .select({ role: teamMemberships.role })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId)))
    .limit(1);
  return rows[0]?.role;
}

export async function membersOf(
  db: DbClient,
  teamIds: readonly string[],
): Promise<Map<string, MemberJson[]>> {
  const out = new Map<string, MemberJson[]>();
  if (teamIds.length === 0) return out;
  const rows = await db
    .select({
      teamId: teamMemberships.teamId,
      userId: teamMemberships.userId,
      role: teamMemberships.role,
      email: users.userEmail,
    })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(inArray(teamMemberships.teamId, [...teamIds]))
    .orderBy(teamMemberships.createdAt);
  for (const r of rows) {
    const list = out.get(r.teamId) ?? [];
    list.push({ user_id: r.userId, user_email: r.email, role: r.role });
    out.set(r.teamId, list);
  }
  return out;
}

/**
 * When a key with `duration` expires: LiteLLM's plain arithmetic from now (not aligned), with
 * calendar months for "mo".
 */
export function expiryFrom(text: string, now: number): Date {
  const d = budgetDuration(text);
  if (d.unit === "mo") {
    const date = new Date(now);
    date.setUTCMonth(date.getUTCMonth() + d.value);
    return date;
  }
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[d.unit];
  return new Date(now + d.value * unitMs);
}

/** `budget_reset_at` for a new or changed `budget_duration`. */
export function resetAtFor(text: string | null | undefined, now: number): Date | null {
  if (!text) return null;
  const d: BudgetDuration = budgetDuration(text);
  return new Date(nextResetAt(d, now));
}

/** Shows a key reference without revealing a full key. */
export function display(ref: string): string {
  return ref.startsWith("sk-") ? `sk-...${ref.slice(-4)}` : ref;
}
