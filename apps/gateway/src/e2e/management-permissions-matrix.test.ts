import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { z } from "zod";
import { executeRows } from "@org/db";
import { managementSchemas, type Management } from "@org/management";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { managementRoutes } from "../management/management-routes.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import {
  PERMISSIONS,
  ROLES,
  type FieldRow,
  type Fixtures,
  type Role,
  type RouteRow,
} from "./management-permissions-table.ts";

// Every management route x every role x every field of its request, from the one table in
// management-permissions-table.ts, over HTTP against the real gateway. Each case makes its own
// target with the master key, calls as the role, and checks the status; a refused call must be a
// 403 (naming the field when only the field is refused) and must change nothing, read back with
// the master key. The first tests make the table complete: a route the gateway registers, or a
// request-schema field, without a row fails here.

interface Reply {
  status: number;
  body: Record<string, unknown> & {
    error?: { type?: string; param?: string | null; message?: string };
  };
}

/** The routes the gateway registers, as "METHOD /path" (the handlers are never called here). */
function registeredRoutes(): string[] {
  const app = managementRoutes({ management: {} as Management });
  return [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))].sort();
}

const schemaObjects: [string, z.ZodObject][] = Object.entries(managementSchemas).flatMap(
  ([name, value]): [string, z.ZodObject][] => (value instanceof z.ZodObject ? [[name, value]] : []),
);

describe("the permission table is complete", () => {
  it("has a row for every registered management route, and no row for a route that is not", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(registeredRoutes());
  });

  it("covers every request schema, and every field of it", () => {
    const used = new Set(Object.values(PERMISSIONS).map((row) => row.schema));
    for (const [name, schema] of schemaObjects) {
      expect(used.has(name), `no route row takes ${name}`).toBe(true);
      for (const [route, row] of Object.entries(PERMISSIONS)) {
        if (row.schema !== name || row.fields === "admin-only") continue;
        expect(Object.keys(row.fields ?? {}).sort(), `${route}: fields of ${name}`).toEqual(
          Object.keys(schema.shape).sort(),
        );
      }
    }
    for (const [route, row] of Object.entries(PERMISSIONS)) {
      if (row.schema) expect(managementSchemas, route).toHaveProperty(row.schema);
      if (row.schema && row.fields === undefined) throw new Error(`${route}: list its fields`);
    }
  });

  it("skips fields only on routes no one but admins may call, and never allows a field more than its route", () => {
    for (const [route, row] of Object.entries(PERMISSIONS)) {
      if (row.fields === "admin-only") {
        expect(row.allowed, route).toContain("proxy_admin");
        for (const role of row.allowed)
          expect(["proxy_admin", "proxy_admin_viewer"], route).toContain(role);
        continue;
      }
      for (const [field, rule] of Object.entries(row.fields ?? {})) {
        if (rule === "target" || rule.allowed === "baseline") continue;
        for (const role of rule.allowed)
          expect(row.allowed, `${route} ${field}: ${role}`).toContain(role);
      }
    }
  });
});

describe("management permissions matrix over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  const callers = {} as Record<Role, string>;
  let counter = 0;

  const call = async (
    key: string,
    method: string,
    path: string,
    input: Record<string, unknown>,
  ) => {
    const get = method === "GET";
    const query = new URLSearchParams(
      Object.entries(input).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ).toString();
    const res = await fetch(`${gateway.url}${path}${get && query ? `?${query}` : ""}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(get ? {} : { body: JSON.stringify(input) }),
    });
    return { status: res.status, body: (await res.json()) as Reply["body"] };
  };
  const master = async <T = Record<string, unknown>>(
    path: string,
    body?: Record<string, unknown>,
  ): Promise<T> => {
    const reply = await call(
      gateway.masterKey,
      body === undefined ? "GET" : "POST",
      path,
      body ?? {},
    );
    expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(200);
    return reply.body as T;
  };
  /** A read-back with the master key: the status and body, whatever they are. */
  const read = (path: string, body?: Record<string, unknown>) =>
    call(gateway.masterKey, body === undefined ? "GET" : "POST", path, body ?? {});

  const fx: Fixtures = {
    uid: (prefix) => `${prefix}-${++counter}`,
    keyFor: async (role, extra = {}) =>
      (
        await master<{ key: string }>("/key/generate", {
          user_id: "holder",
          ...(role === "holder" ? {} : { team_id: "team-a" }),
          ...extra,
        })
      ).key,
    keyInfo: (key) => read(`/key/info?key=${key}`),
    keyCount: async () => (await master<{ total_count: number }>("/key/list")).total_count,
    orgUser: async () => {
      const id = fx.uid("org-user");
      await master("/user/new", { user_id: id, organization_id: "org-a", auto_create_key: false });
      return id;
    },
    userInfo: (id) => read(`/user/info?user_id=${id}`),
    team: async () => {
      const id = fx.uid("team");
      await master("/team/new", {
        team_id: id,
        organization_id: "org-a",
        members_with_roles: [
          { user_id: "team-a-admin", role: "admin" },
          { user_id: "holder", role: "user" },
        ],
      });
      return id;
    },
    teamInfo: (id) => read(`/team/info?team_id=${id}`),
    organization: async () =>
      (
        await master<{ organization_id: string }>("/organization/new", {
          organization_alias: fx.uid("org"),
        })
      ).organization_id,
    organizationInfo: (id) => read(`/organization/info?organization_id=${id}`),
    customer: async () => {
      const id = fx.uid("customer");
      await master("/customer/new", { user_id: id });
      return id;
    },
    customerInfo: (id) => read(`/customer/info?end_user_id=${id}`),
    budget: async () => {
      const id = fx.uid("budget");
      await master("/budget/new", { budget_id: id, max_budget: 1 });
      return id;
    },
    budgetInfo: (id) => read("/budget/info", { budgets: [id] }),
    model: async () => {
      const id = fx.uid("model");
      await master("/model/new", {
        model_name: id,
        litellm_params: { model: "openai/gpt-4o" },
        model_info: { id },
      });
      return id;
    },
    models: () => read("/model/info"),
    spendLog: async (role) => {
      // A row the role may read: its key's user's, or (a key without a user) its key's own.
      const key = callers[role];
      const info = (await read(`/key/info?key=${key}`)).body.info as { user_id?: string | null };
      const id = fx.uid("spend");
      const hash = createHash("sha256").update(key).digest("hex");
      const user = typeof info?.user_id === "string" ? `'${info.user_id}'` : "null";
      await executeRows(
        gateway.gateway.db.db,
        `insert into spend_logs (request_id, call_type, api_key_hash, start_time, end_time, user_id)
         values ('${id}', 'acompletion', '${hash}', now(), now(), ${user})`,
      );
      return id;
    },
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
    gateway = await startTestGateway({
      env: { LITELLM_SALT_KEY: "salt-for-permission-matrix-0123456789" },
      config: {
        model_list: ["gpt-4o", "gpt-4o-mini", "secret-model"].map((name) => ({
          model_name: name,
          litellm_params: {
            model: `openai/${name}`,
            api_key: "sk-up",
            api_base: `${upstream.url}/v1`,
          },
        })),
      },
    });
    await master("/organization/new", {
      organization_id: "org-a",
      organization_alias: "A",
      max_budget: 500,
      tpm_limit: 500,
      rpm_limit: 500,
      max_parallel_requests: 500,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    await master("/organization/new", { organization_id: "org-b", organization_alias: "B" });
    await master("/team/new", {
      team_id: "team-a",
      organization_id: "org-a",
      max_budget: 100,
      tpm_limit: 1000,
      rpm_limit: 100,
      max_parallel_requests: 10,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    await master("/team/new", { team_id: "team-b", organization_id: "org-b" });
    const user = async (user_id: string, user_role: string, extra: Record<string, unknown> = {}) =>
      (await master<{ key: string }>("/user/new", { user_id, user_role, ...extra })).key;
    callers.proxy_admin = gateway.masterKey;
    callers.proxy_admin_viewer = await user("viewer", "proxy_admin_viewer");
    callers.internal_user_viewer = await user("iviewer", "internal_user_viewer");
    callers.team_admin = await user("team-a-admin", "internal_user");
    callers.holder = await user("holder", "internal_user", {
      max_budget: 50,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    await user("org-a-admin", "org_admin", { organization_id: "org-a", auto_create_key: false });
    // An org admin acts for their own user's organization (their key is in it too).
    callers.org_admin = (
      await master<{ key: string }>("/key/generate", {
        user_id: "org-a-admin",
        organization_id: "org-a",
      })
    ).key;
    callers.plain = (await master<{ key: string }>("/key/generate", {})).key;
    for (const [user_id, role] of [
      ["team-a-admin", "admin"],
      ["holder", "user"],
    ] as const) {
      await master("/team/member_add", { team_id: "team-a", member: { user_id, role } });
    }
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** One case: prepare a fresh target, call as `role`, check the status and, if refused, nothing changed. */
  const runCase = async (
    route: string,
    row: RouteRow,
    role: Role,
    field?: { name: string; rule: FieldRow },
  ) => {
    const [method, routePath] = route.split(" ") as [string, string];
    const prepared = await row.prepare(fx, role);
    const input = { ...prepared.input };
    if (field) {
      const { value } = field.rule;
      input[field.name] = typeof value === "function" ? await value(fx) : value;
    }
    const allowed = field && field.rule.allowed !== "baseline" ? field.rule.allowed : row.allowed;
    const label = `${route} as ${role}${field ? ` with ${field.name}` : ""}`;
    const expectRefused = !allowed.includes(role);
    const before = expectRefused && prepared.read ? await prepared.read() : undefined;
    const reply = await call(callers[role], method, prepared.path ?? routePath, input);
    const shown = `${label}: ${reply.status} ${JSON.stringify(reply.body)}`;
    if (!expectRefused) {
      expect(reply.status, shown).toBe(200);
      return;
    }
    expect(reply.status, shown).toBe(403);
    expect(reply.body.error?.type, shown).toBe("permission_error");
    // Refused for the field alone: the error names it.
    if (field && row.allowed.includes(role))
      expect(reply.body.error?.param, shown).toBe(field.name);
    if (prepared.read)
      expect(await prepared.read(), `${label}: changed what it was refused`).toEqual(before);
  };

  for (const [route, row] of Object.entries(PERMISSIONS)) {
    it(`${route}: every role, every field`, async () => {
      for (const role of ROLES) {
        await runCase(route, row, role);
        if (row.fields === undefined || row.fields === "admin-only") continue;
        for (const [name, rule] of Object.entries(row.fields)) {
          if (rule === "target") continue;
          await runCase(route, row, role, { name, rule });
        }
      }
    }, 300_000);
  }
});
