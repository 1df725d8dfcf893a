import { Hono, type Context } from "hono";
import type { AuthIdentity } from "@org/budgets";
import { callerFrom, type Caller, type Management } from "@org/management";
import type { GatewayEnv } from "../gateway-env.ts";
import { parseJsonObject } from "../http/parse-body.ts";

export interface ManagementRouteDeps {
  management: Management;
  /** Called after a model is added, changed or deleted, so the router's model list follows. */
  onModelsChanged?: () => void | Promise<void>;
}

type Handler = (caller: Caller, input: unknown) => Promise<unknown>;

/**
 * LiteLLM's management API (/key/*, /team/*, /user/*, /organization/*, /customer/*, /budget/*,
 * /spend/logs, /global/spend/report, /model/new|update|delete) over `@org/management`'s
 * service. Mount after the auth middleware: the caller is the identity it resolved. Every check,
 * transaction and response shape lives in the service; this layer only maps HTTP to it.
 */
export function managementRoutes(deps: ManagementRouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { keys, teams, users, organizations, customers, budgets, spend, models } = deps.management;

  const caller = (c: Context<GatewayEnv>) =>
    callerFrom(c.get("identity") as unknown as AuthIdentity);
  const body = (handler: Handler) => async (c: Context<GatewayEnv>) =>
    c.json(await handler(caller(c), await jsonBody(c.req.raw)));
  const query = (handler: Handler) => async (c: Context<GatewayEnv>) =>
    c.json(await handler(caller(c), c.req.query()));
  const modelChange = (handler: Handler) => async (c: Context<GatewayEnv>) => {
    const result = await handler(caller(c), await jsonBody(c.req.raw));
    await deps.onModelsChanged?.();
    return c.json(result);
  };

  app.post(
    "/key/generate",
    body((who, input) => keys.generate(who, input)),
  );
  app.post(
    "/key/update",
    body((who, input) => keys.update(who, input)),
  );
  app.post(
    "/key/delete",
    body((who, input) => keys.delete(who, input)),
  );
  app.get(
    "/key/info",
    query((who, input) => keys.info(who, input)),
  );
  app.get(
    "/key/list",
    query((who, input) => keys.list(who, input)),
  );
  app.post(
    "/key/regenerate",
    body((who, input) => keys.regenerate(who, input)),
  );
  app.post("/key/:key/regenerate", async (c) =>
    c.json(
      await keys.regenerate(caller(c), { ...(await jsonBody(c.req.raw)), key: c.req.param("key") }),
    ),
  );
  app.post(
    "/key/block",
    body((who, input) => keys.setBlocked(who, input, true)),
  );
  app.post(
    "/key/unblock",
    body((who, input) => keys.setBlocked(who, input, false)),
  );

  app.post(
    "/team/new",
    body((who, input) => teams.create(who, input)),
  );
  app.post(
    "/team/update",
    body((who, input) => teams.update(who, input)),
  );
  app.post(
    "/team/delete",
    body((who, input) => teams.delete(who, input)),
  );
  app.get(
    "/team/info",
    query((who, input) => teams.info(who, input)),
  );
  app.get(
    "/team/list",
    query((who, input) => teams.list(who, input as Record<string, string>)),
  );
  app.post(
    "/team/member_add",
    body((who, input) => teams.memberAdd(who, input)),
  );
  app.post(
    "/team/member_delete",
    body((who, input) => teams.memberDelete(who, input)),
  );
  app.post(
    "/team/block",
    body((who, input) => teams.setBlocked(who, input, true)),
  );
  app.post(
    "/team/unblock",
    body((who, input) => teams.setBlocked(who, input, false)),
  );

  app.post(
    "/user/new",
    body((who, input) => users.create(who, input)),
  );
  app.post(
    "/user/update",
    body((who, input) => users.update(who, input)),
  );
  app.post(
    "/user/delete",
    body((who, input) => users.delete(who, input)),
  );
  app.get(
    "/user/info",
    query((who, input) => users.info(who, input)),
  );
  app.get(
    "/user/list",
    query((who, input) => users.list(who, input)),
  );

  app.post(
    "/organization/new",
    body((who, input) => organizations.create(who, input)),
  );
  app.on(
    ["PATCH", "POST"],
    "/organization/update",
    body((who, input) => organizations.update(who, input)),
  );
  app.on(
    ["DELETE", "POST"],
    "/organization/delete",
    body((who, input) => organizations.delete(who, input)),
  );
  app.get(
    "/organization/info",
    query((who, input) => organizations.info(who, input)),
  );
  app.get(
    "/organization/list",
    query((who) => organizations.list(who)),
  );
  app.post(
    "/organization/member_add",
    body((who, input) => organizations.memberAdd(who, input)),
  );

  // LiteLLM serves customers under /customer/* and the older /end_user/*.
  for (const base of ["/customer", "/end_user"]) {
    app.post(
      `${base}/new`,
      body((who, input) => customers.create(who, input)),
    );
    app.post(
      `${base}/update`,
      body((who, input) => customers.update(who, input)),
    );
    app.post(
      `${base}/delete`,
      body((who, input) => customers.delete(who, input)),
    );
    app.get(
      `${base}/info`,
      query((who, input) => customers.info(who, input)),
    );
    app.get(
      `${base}/list`,
      query((who) => customers.list(who)),
    );
    app.post(
      `${base}/block`,
      body((who, input) => customers.block(who, input)),
    );
    app.post(
      `${base}/unblock`,
      body((who, input) => customers.unblock(who, input)),
    );
  }

  app.post(
    "/budget/new",
    body((who, input) => budgets.create(who, input)),
  );
  app.post(
    "/budget/update",
    body((who, input) => budgets.update(who, input)),
  );
  app.post(
    "/budget/delete",
    body((who, input) => budgets.delete(who, input)),
  );
  app.post(
    "/budget/info",
    body((who, input) => budgets.info(who, input)),
  );
  app.get(
    "/budget/list",
    query((who) => budgets.list(who)),
  );

  app.get(
    "/spend/logs",
    query((who, input) => spend.logs(who, input)),
  );
  // The dashboard's request log and usage charts (LiteLLM's routes), paged and grouped in SQL.
  app.get(
    "/spend/logs/ui",
    query((who, input) => spend.logsUi(who, input)),
  );
  app.get("/spend/logs/ui/:request_id", async (c) =>
    c.json(await spend.logUi(caller(c), c.req.param("request_id"))),
  );
  app.get(
    "/user/daily/activity",
    query((who, input) => spend.dailyActivity(who, input)),
  );
  app.get(
    "/global/spend/report",
    query((who, input) => spend.report(who, input)),
  );

  app.post(
    "/model/new",
    modelChange((who, input) => models.create(who, input)),
  );
  app.post(
    "/model/update",
    modelChange((who, input) => models.update(who, input)),
  );
  app.post(
    "/model/delete",
    modelChange((who, input) => models.delete(who, input)),
  );

  return app;
}

/** The JSON body (parse-body.ts): an object, bounded in depth, `{}` when empty. */
async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  return parseJsonObject(await request.text());
}
