import { InvalidRequestError, NotFoundError } from "@org/core";
import {
  budgets,
  deletedVirtualKeys,
  teamMemberships,
  users,
  virtualKeys,
  type DbClient,
  type NewVirtualKey,
  type VirtualKey,
} from "@org/db";
import { and, count, desc, eq, inArray, or, type SQL } from "drizzle-orm";
import { abbreviateKey, generateKeyString, hashKey } from "@org/budgets";
import { audit } from "./audit.ts";
import { actorOf, canReadAll, requireWriter, type Caller } from "./caller.ts";
import { checkKeyWrite, keepLimitMetadata } from "./key-permissions.ts";
import {
  display,
  expiryFrom,
  findKey,
  requireKeyAliasUnused,
  requireReference,
  resetAtFor,
} from "./lookups.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import {
  DeleteKeyRequest,
  GenerateKeyRequest,
  KeyRef,
  ListKeysQuery,
  parse,
  RegenerateKeyRequest,
  UpdateKeyRequest,
} from "./schemas.ts";
import { budgetJson, keyJson, type JsonObject } from "./serializers.ts";
import {
  authorizeOwner,
  keyFor,
  notYoursOrMissing,
  requireManage,
  requireRead,
  targetOf,
  type KeyFields,
} from "./key-access.ts";

/** LiteLLM's /key/* endpoints as functions: (caller, request body or query) -> response JSON. */
export function createKeyService(deps: ResolvedDeps) {
  const { db, clock } = deps;

  /** The columns a request sets, for insert or update; absent fields are left alone. */
  const columnsFrom = (
    req: Partial<KeyFields>,
    current: VirtualKey | undefined,
    now: number,
  ): Partial<NewVirtualKey> => {
    const set: Partial<NewVirtualKey> = {};
    const has = (name: keyof KeyFields) => Object.hasOwn(req, name);
    if (has("key_alias")) set.keyAlias = req.key_alias ?? null;
    if (has("duration")) set.expiresAt = req.duration ? expiryFrom(req.duration, now) : null;
    if (has("models")) set.models = req.models ?? [];
    if (has("spend")) set.spend = req.spend ?? 0;
    if (has("max_budget")) set.maxBudget = req.max_budget ?? null;
    if (has("user_id")) set.userId = req.user_id ?? null;
    if (has("team_id")) set.teamId = req.team_id ?? null;
    if (has("organization_id")) set.organizationId = req.organization_id ?? null;
    if (has("max_parallel_requests")) set.maxParallelRequests = req.max_parallel_requests ?? null;
    if (has("tpm_limit")) set.tpmLimit = req.tpm_limit ?? null;
    if (has("rpm_limit")) set.rpmLimit = req.rpm_limit ?? null;
    if (has("budget_duration")) {
      set.budgetDuration = req.budget_duration ?? null;
      set.budgetResetAt = resetAtFor(req.budget_duration, now);
    }
    if (has("allowed_cache_controls")) set.allowedCacheControls = req.allowed_cache_controls ?? [];
    if (has("allowed_routes")) set.allowedRoutes = req.allowed_routes ?? [];
    if (has("config")) set.config = req.config ?? {};
    if (has("permissions")) set.permissions = req.permissions ?? {};
    if (has("model_max_budget")) set.modelMaxBudget = req.model_max_budget ?? {};
    if (has("blocked")) set.blocked = req.blocked ?? false;
    if (has("aliases")) set.aliases = req.aliases ?? {};
    if (has("budget_id")) set.budgetId = req.budget_id ?? null;
    // LiteLLM keeps these in the key's metadata.
    const extras: Record<string, unknown> = {};
    for (const name of [
      "model_rpm_limit",
      "model_tpm_limit",
      "tags",
      "guardrails",
      "enforced_params",
    ] as const) {
      if (has(name)) extras[name] = req[name] ?? null;
    }
    if (has("metadata") || Object.keys(extras).length > 0) {
      const base = has("metadata") ? (req.metadata ?? {}) : (current?.metadata ?? {});
      set.metadata = { ...base, ...extras };
    }
    return set;
  };

  /** The key's soft_budget lives in a budget row linked by budget_id (as in LiteLLM). */
  const applySoftBudget = async (
    tx: DbClient,
    caller: Caller,
    softBudget: number | null | undefined,
    budgetId: string | null | undefined,
  ): Promise<string | null | undefined> => {
    if (softBudget === undefined) return budgetId;
    if (budgetId) {
      await tx
        .update(budgets)
        .set({ softBudget, updatedBy: actorOf(caller) })
        .where(eq(budgets.id, budgetId));
      return budgetId;
    }
    if (softBudget === null) return budgetId;
    const [row] = await tx
      .insert(budgets)
      .values({ softBudget, createdBy: actorOf(caller), updatedBy: actorOf(caller) })
      .returning({ id: budgets.id });
    return row!.id;
  };

  const loadBudget = async (tx: DbClient, id: string | null) =>
    id ? (await tx.select().from(budgets).where(eq(budgets.id, id)))[0] : undefined;

  const generateResponse = async (
    tx: DbClient,
    key: string,
    row: VirtualKey,
  ): Promise<
    JsonObject & { key: string; key_name: string | null; token_id: string; key_id: string }
  > => {
    const budget = await loadBudget(tx, row.budgetId);
    const info = keyJson(row, budget);
    return {
      ...info,
      key,
      key_name: row.keyName,
      key_id: row.id,
      expires: info.expires,
      token_id: row.tokenHash,
      token: row.tokenHash,
      litellm_budget_table: budgetJson(budget),
    };
  };

  const checkReferences = async (tx: DbClient, req: Partial<KeyFields>) => {
    if (req.team_id) await requireReference(tx, "team_id", req.team_id);
    if (req.organization_id) await requireReference(tx, "organization_id", req.organization_id);
    if (req.budget_id) await requireReference(tx, "budget_id", req.budget_id);
  };

  /** LiteLLM creates the user row when a key names an unknown user_id. */
  const ensureUser = async (tx: DbClient, userId: string | undefined) => {
    if (!userId) return;
    await tx.insert(users).values({ id: userId }).onConflictDoNothing({ target: users.id });
  };

  return {
    /**
     * Creates a key inside the caller's transaction (user creation uses it so a user and their
     * first key commit together). Publish `{kind: "key", keyHash}` after the commit.
     */
    async generateIn(tx: DbClient, caller: Caller, body: unknown) {
      const req = parse(GenerateKeyRequest, body);
      const now = clock.now();
      const key = req.key ?? generateKeyString();
      const tokenHash = hashKey(key);
      const userId = await authorizeOwner(
        tx,
        caller,
        req.user_id ?? undefined,
        req.team_id ?? undefined,
      );
      // Permission first: a refused caller learns nothing about which ids exist.
      await checkKeyWrite(tx, caller, "generate", req, {
        teamId: req.team_id ?? null,
        organizationId: req.organization_id ?? null,
        userId: userId ?? null,
      });
      await checkReferences(tx, req);
      await requireKeyAliasUnused(tx, req.key_alias);
      await ensureUser(tx, userId);
      if (await findKey(tx, tokenHash)) {
        throw new InvalidRequestError("A key with this value already exists; choose another.", {
          param: "key",
          code: "400",
        });
      }
      const budgetId = await applySoftBudget(tx, caller, req.soft_budget, req.budget_id);
      const [row] = await tx
        .insert(virtualKeys)
        .values({
          ...columnsFrom(req, undefined, now),
          tokenHash,
          keyName: abbreviateKey(key),
          userId: userId ?? null,
          budgetId: budgetId ?? null,
          createdBy: actorOf(caller),
          updatedBy: actorOf(caller),
        } as NewVirtualKey)
        .returning();
      await audit(tx, caller, {
        action: "created",
        table: "virtual_keys",
        objectId: row!.id,
        after: keyJson(row!),
      });
      return { keyHash: tokenHash, response: await generateResponse(tx, key, row!) };
    },

    /** POST /key/generate. The key is in the response only; the database keeps its hash. */
    async generate(caller: Caller, body: unknown) {
      const { keyHash, response } = await db.transaction((tx) => this.generateIn(tx, caller, body));
      // A cached "invalid key" for this hash must go.
      await deps.publish({ kind: "key", keyHash });
      return response;
    },

    /** POST /key/update. Returns the updated key (LiteLLM_VerificationToken fields). */
    async update(caller: Caller, body: unknown): Promise<JsonObject> {
      const req = parse(UpdateKeyRequest, body);
      const now = clock.now();
      const { row, before } = await db.transaction(async (tx) => {
        const current = await keyFor(tx, caller, req.key, "update");
        const authority = await requireManage(tx, caller, current, "update");
        await checkKeyWrite(tx, caller, authority, req, targetOf(req, current), current);
        await checkReferences(tx, req);
        await requireKeyAliasUnused(tx, req.key_alias, current.id);
        await ensureUser(tx, req.user_id ?? undefined);
        const set = columnsFrom(req, current, now);
        if (authority === "holder" && set.metadata)
          set.metadata = keepLimitMetadata(set.metadata, current.metadata ?? {});
        if (req.temp_budget_increase != null) {
          set.metadata = {
            ...(set.metadata ?? current.metadata),
            temp_budget_increase: req.temp_budget_increase,
            temp_budget_expiry: req.temp_budget_expiry,
          };
        }
        const budgetId = await applySoftBudget(
          tx,
          caller,
          req.soft_budget,
          set.budgetId ?? current.budgetId,
        );
        if (budgetId !== undefined) set.budgetId = budgetId;
        const [row] = await tx
          .update(virtualKeys)
          .set({ ...set, updatedBy: actorOf(caller) })
          .where(eq(virtualKeys.id, current.id))
          .returning();
        await audit(tx, caller, {
          action: "updated",
          table: "virtual_keys",
          objectId: current.id,
          before: keyJson(current),
          after: set,
        });
        return { row: row!, before: current };
      });
      if (Object.hasOwn(req, "spend")) await deps.setSpend(`k:${before.id}`, Number(row.spend));
      await deps.publish({ kind: "key", keyHash: before.tokenHash });
      return { key: row.tokenHash, ...keyJson(row, await loadBudget(db, row.budgetId)) };
    },

    /** POST /key/delete `{keys: [...], key_aliases: [...]}`: all or nothing. */
    async delete(caller: Caller, body: unknown) {
      const req = parse(DeleteKeyRequest, body);
      const deleted = await db.transaction(async (tx) => {
        const found: VirtualKey[] = [];
        const missing: string[] = [];
        for (const ref of req.keys ?? []) {
          const key = await findKey(tx, ref);
          if (key) found.push(key);
          else missing.push(display(ref));
        }
        if (req.key_aliases?.length) {
          const byAlias = await tx
            .select()
            .from(virtualKeys)
            .where(inArray(virtualKeys.keyAlias, req.key_aliases));
          for (const alias of req.key_aliases)
            if (!byAlias.some((k) => k.keyAlias === alias)) missing.push(alias);
          found.push(...byAlias);
        }
        if (missing.length > 0) {
          // Refused as another user's key would be, to a caller who may not see every key.
          if (!canReadAll(caller)) {
            requireWriter(caller, "delete");
            throw notYoursOrMissing("delete");
          }
          throw new NotFoundError(`Keys not found, nothing was deleted: ${missing.join(", ")}`, {
            param: req.keys?.length ? "keys" : "key_aliases",
            code: "404",
          });
        }
        for (const key of found) {
          await requireManage(tx, caller, key, "delete");
          await tx
            .insert(deletedVirtualKeys)
            .values({
              tokenHash: key.tokenHash,
              keyId: key.id,
              keyAlias: key.keyAlias,
              teamId: key.teamId,
              userId: key.userId,
              reason: "deleted",
              deletedBy: actorOf(caller),
            })
            .onConflictDoNothing();
          await tx.delete(virtualKeys).where(eq(virtualKeys.id, key.id));
          await audit(tx, caller, {
            action: "deleted",
            table: "virtual_keys",
            objectId: key.id,
            before: keyJson(key),
          });
        }
        return found;
      });
      for (const key of deleted) await deps.publish({ kind: "key", keyHash: key.tokenHash });
      return { deleted_keys: [...(req.keys ?? []), ...(req.key_aliases ?? [])] };
    },

    /** GET /key/info?key=... -> `{key, info}`; without `key`, the calling key's (as LiteLLM). */
    async info(caller: Caller, query: unknown) {
      const { key: ref } = parse(KeyRef, { key: caller.keyHash, ...(query as object) });
      const key = await keyFor(db, caller, ref, "view");
      await requireRead(db, caller, key);
      return { key: ref, info: keyJson(key, await loadBudget(db, key.budgetId)) };
    },

    /** GET /key/list -> `{keys, total_count, current_page, total_pages}` (hashes, or full objects). */
    async list(caller: Caller, query: unknown) {
      const q = parse(ListKeysQuery, query);
      const filters: SQL[] = [];
      if (q.user_id) filters.push(eq(virtualKeys.userId, q.user_id));
      if (q.team_id) filters.push(eq(virtualKeys.teamId, q.team_id));
      if (q.organization_id) filters.push(eq(virtualKeys.organizationId, q.organization_id));
      if (q.key_alias) filters.push(eq(virtualKeys.keyAlias, q.key_alias));
      if (!canReadAll(caller)) {
        // Non-admins see their own keys and the keys of teams they administer.
        const adminOf = caller.userId
          ? await db
              .select({ teamId: teamMemberships.teamId })
              .from(teamMemberships)
              .where(
                and(eq(teamMemberships.userId, caller.userId), eq(teamMemberships.role, "admin")),
              )
          : [];
        const own = caller.userId ? eq(virtualKeys.userId, caller.userId) : undefined;
        // The calling key itself, also when it has no user (a team's service key), as /key/info
        // lets any key read itself: its dashboard session would otherwise list nothing. A user's
        // password session has no key (keyHash "").
        const self = caller.keyHash ? eq(virtualKeys.tokenHash, caller.keyHash) : undefined;
        const teamKeys = adminOf.length
          ? inArray(
              virtualKeys.teamId,
              adminOf.map((t) => t.teamId),
            )
          : undefined;
        const visible = [own, self, teamKeys].filter((c): c is SQL => c !== undefined);
        if (visible.length === 0)
          return { keys: [], total_count: 0, current_page: q.page, total_pages: 0 };
        filters.push(visible.length === 1 ? visible[0]! : or(...visible)!);
      }
      const where = filters.length ? and(...filters) : undefined;
      const [{ total }] = (await db.select({ total: count() }).from(virtualKeys).where(where)) as [
        { total: number },
      ];
      const rows = await db
        .select()
        .from(virtualKeys)
        .where(where)
        .orderBy(desc(virtualKeys.createdAt), virtualKeys.id)
        .limit(q.size)
        .offset((q.page - 1) * q.size);
      return {
        keys: q.return_full_object ? rows.map((r) => keyJson(r)) : rows.map((r) => r.tokenHash),
        total_count: total,
        current_page: q.page,
        total_pages: Math.ceil(total / q.size),
      };
    },

    /**
     * POST /key/{key}/regenerate: a new key value for the same key (id, spend, limits kept);
     * the old value stops working at once and is reported as rotated.
     */
    async regenerate(caller: Caller, body: unknown) {
      const req = parse(RegenerateKeyRequest, body);
      const now = clock.now();
      const key = req.new_key ?? generateKeyString();
      const tokenHash = hashKey(key);
      const { row, oldHash } = await db.transaction(async (tx) => {
        const current = await keyFor(tx, caller, req.key, "regenerate");
        const authority = await requireManage(tx, caller, current, "regenerate");
        if (await findKey(tx, tokenHash)) {
          throw new InvalidRequestError("A key with this value already exists; choose another.", {
            param: "new_key",
            code: "400",
          });
        }
        await checkKeyWrite(tx, caller, authority, req, targetOf(req, current), current);
        await checkReferences(tx, req);
        await requireKeyAliasUnused(tx, req.key_alias, current.id);
        const { key: _old, new_key: _new, ...fields } = req;
        const set = columnsFrom(fields, current, now);
        if (authority === "holder" && set.metadata)
          set.metadata = keepLimitMetadata(set.metadata, current.metadata ?? {});
        await tx
          .insert(deletedVirtualKeys)
          .values({
            tokenHash: current.tokenHash,
            keyId: current.id,
            keyAlias: current.keyAlias,
            teamId: current.teamId,
            userId: current.userId,
            reason: "regenerated",
            deletedBy: actorOf(caller),
          })
          .onConflictDoNothing();
        const [row] = await tx
          .update(virtualKeys)
          .set({ ...set, tokenHash, keyName: abbreviateKey(key), updatedBy: actorOf(caller) })
          .where(eq(virtualKeys.id, current.id))
          .returning();
        await audit(tx, caller, {
          action: "rotated",
          table: "virtual_keys",
          objectId: current.id,
          before: { token: undefined, key_name: current.keyName },
          after: { key_name: row!.keyName, ...set },
        });
        return { row: row!, oldHash: current.tokenHash };
      });
      await deps.publish({ kind: "key", keyHash: oldHash });
      await deps.publish({ kind: "key", keyHash: tokenHash });
      return generateResponse(db, key, row);
    },

    /** POST /key/block and /key/unblock `{key}`. */
    async setBlocked(caller: Caller, body: unknown, blocked: boolean): Promise<JsonObject> {
      const { key: ref } = parse(KeyRef, body);
      const row = await db.transaction(async (tx) => {
        const action = blocked ? "block" : "unblock";
        const current = await keyFor(tx, caller, ref, action);
        const authority = await requireManage(tx, caller, current, action);
        // A holder may block their own key (after a leak), never unblock what an admin blocked.
        if (!blocked)
          await checkKeyWrite(tx, caller, authority, { blocked }, targetOf({}, current), current);
        const [row] = await tx
          .update(virtualKeys)
          .set({ blocked, updatedBy: actorOf(caller) })
          .where(eq(virtualKeys.id, current.id))
          .returning();
        await audit(tx, caller, {
          action: blocked ? "blocked" : "unblocked",
          table: "virtual_keys",
          objectId: current.id,
          after: { blocked },
        });
        return row!;
      });
      await deps.publish({ kind: "key", keyHash: row.tokenHash });
      return keyJson(row);
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
