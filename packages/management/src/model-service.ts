import {
  InvalidRequestError,
  NotFoundError,
  publicLitellmParams,
  publicModelInfo,
} from "@org/core";
import { proxyModels, type ProxyModel } from "@org/db";
import { eq } from "drizzle-orm";
import { audit } from "./audit.ts";
import { actorOf, canReadAll, denied, requireProxyAdmin, type Caller } from "./caller.ts";
import { createCredentialCipher, type CredentialCipher } from "./credential-cipher.ts";
import type { ResolvedDeps } from "./management-deps.ts";
import { ModelRef, NewModelRequest, parse, UpdateModelRequest } from "./schemas.ts";

/** A model list entry as the router takes it (LiteLLM's model_list item), credentials included. */
export interface StoredModel {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

/**
 * `litellm_params` as responses and audit rows show them: only fields known to be harmless
 * (public-model-fields.ts), api_base without userinfo or query.
 */
export const redactParams = publicLitellmParams;

/**
 * /model/new, /model/update, /model/delete, /model/info for deployments added at runtime. Their
 * `litellm_params` (provider credentials) are stored only encrypted with LITELLM_SALT_KEY; without
 * one nothing is stored. Responses never contain credentials.
 */
export function createModelService(deps: ResolvedDeps) {
  const { db } = deps;
  let cipher: CredentialCipher | undefined;
  const cipherOf = () => (cipher ??= createCredentialCipher(deps.saltKey));

  const view = (row: ProxyModel, params: Record<string, unknown>) => ({
    model_name: row.modelName,
    litellm_params: publicLitellmParams(params),
    model_info: { ...publicModelInfo(row.modelInfo), id: row.id, db_model: true },
  });
  /** `param` is the request field that named the model. */
  const requireModel = async (id: string, param: string) => {
    const [row] = await db.select().from(proxyModels).where(eq(proxyModels.id, id)).limit(1);
    if (!row) throw new NotFoundError(`Model not found: id=${id}`, { param, code: "404" });
    return row;
  };
  /** The entry as the router will take it, checked like a config entry (deps.checkModel). */
  const check = (
    entry: Parameters<ResolvedDeps["checkModel"]>[0],
    added?: Parameters<ResolvedDeps["checkModel"]>[1],
  ) => {
    const problem = deps.checkModel(entry, added);
    if (problem) {
      throw new InvalidRequestError(`Invalid request: ${problem.path}: ${problem.message}`, {
        param: problem.path,
        code: "400",
      });
    }
  };
  const paramsOf = (row: ProxyModel) =>
    JSON.parse(cipherOf().decrypt(row.litellmParamsEncrypted)) as Record<string, unknown>;

  return {
    async create(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "add models");
      const req = parse(NewModelRequest, body);
      check({
        model_name: req.model_name,
        litellm_params: req.litellm_params,
        model_info: req.model_info ?? {},
      });
      const encrypted = cipherOf().encrypt(JSON.stringify(req.litellm_params));
      const row = await db.transaction(async (tx) => {
        const info = req.model_info ?? {};
        const [row] = await tx
          .insert(proxyModels)
          .values({
            ...(typeof info.id === "string" && info.id ? { id: info.id } : {}),
            modelName: req.model_name,
            litellmParamsEncrypted: encrypted,
            modelInfo: info,
            createdBy: actorOf(caller),
            updatedBy: actorOf(caller),
          })
          .returning();
        await audit(tx, caller, {
          action: "created",
          table: "proxy_models",
          objectId: row!.id,
          after: {
            model_name: req.model_name,
            litellm_params: publicLitellmParams(req.litellm_params),
            model_info: publicModelInfo(info),
          },
        });
        return row!;
      });
      return view(row, req.litellm_params);
    },

    async update(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "update models");
      const req = parse(UpdateModelRequest, body);
      const id =
        req.model_id ?? (typeof req.model_info?.id === "string" ? req.model_info.id : undefined);
      if (!id)
        throw new NotFoundError("Model not found: pass model_id or model_info.id", {
          param: "model_id",
          code: "404",
        });
      const current = await requireModel(id, req.model_id ? "model_id" : "model_info.id");
      // Stored credentials are kept unless new ones are given (a partial update merges).
      const params = { ...paramsOf(current), ...(req.litellm_params ?? {}) };
      check(
        {
          model_name: req.model_name ?? current.modelName,
          litellm_params: params,
          model_info: { ...current.modelInfo, ...(req.model_info ?? {}) },
        },
        { litellmParams: Object.keys(req.litellm_params ?? {}) },
      );
      const [row] = await db.transaction(async (tx) => {
        const updated = await tx
          .update(proxyModels)
          .set({
            ...(req.model_name ? { modelName: req.model_name } : {}),
            ...(req.litellm_params
              ? { litellmParamsEncrypted: cipherOf().encrypt(JSON.stringify(params)) }
              : {}),
            ...(req.model_info ? { modelInfo: { ...current.modelInfo, ...req.model_info } } : {}),
            updatedBy: actorOf(caller),
          })
          .where(eq(proxyModels.id, id))
          .returning();
        await audit(tx, caller, {
          action: "updated",
          table: "proxy_models",
          objectId: id,
          after: {
            model_name: req.model_name,
            ...(req.litellm_params
              ? { litellm_params: publicLitellmParams(req.litellm_params) }
              : {}),
            ...(req.model_info ? { model_info: publicModelInfo(req.model_info) } : {}),
          },
        });
        return updated;
      });
      return view(row!, params);
    },

    async delete(caller: Caller, body: unknown) {
      requireProxyAdmin(caller, "delete models");
      const { id } = parse(ModelRef, body);
      await requireModel(id, "id");
      await db.transaction(async (tx) => {
        await tx.delete(proxyModels).where(eq(proxyModels.id, id));
        await audit(tx, caller, { action: "deleted", table: "proxy_models", objectId: id });
      });
      return { message: `Model: ${id} deleted successfully` };
    },

    /** Stored models without credentials (for /model/info). */
    async list(caller: Caller) {
      if (!canReadAll(caller)) throw denied("Only admins can list stored models.");
      const rows = await db.select().from(proxyModels).orderBy(proxyModels.createdAt);
      return rows.map((row) => view(row, paramsOf(row)));
    },

    /** Stored models with decrypted credentials, for the router's model list (never for a response). */
    async loadModelList(): Promise<StoredModel[]> {
      const rows = await db.select().from(proxyModels).orderBy(proxyModels.createdAt);
      if (rows.length === 0) return [];
      return rows.map((row) => ({
        model_name: row.modelName,
        litellm_params: paramsOf(row),
        model_info: { ...row.modelInfo, id: row.id, db_model: true },
      }));
    },
  };
}
