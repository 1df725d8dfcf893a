import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// Key aliases are unique across keys, as in LiteLLM (its 400 and message). Found by the access
// review: any user could give their own key another user's alias, and from then on an admin's
// /key/delete {key_aliases} deleted both keys, and the alias filter of the key list and of the
// spend views showed the intruder's key and spend as the other user's.

describe("key aliases are unique", () => {
  let gateway: TestGateway;
  const keys: Record<string, string> = {};

  const as = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { key?: string; error?: { param?: string; message?: string } },
    };
  };
  const master = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const withAlias = async (alias: string) =>
    (
      await master<{ total_count: number }>(
        `/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true`,
      )
    ).total_count;
  const refused = (reply: Awaited<ReturnType<typeof as>>) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(reply.body.error?.param).toBe("key_alias");
    expect(reply.body.error?.message).toContain("Unique key aliases across all keys are required");
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { model_list: [] } });
    for (const user_id of ["alice", "mallory"])
      keys[user_id] = (await master<{ key: string }>("/user/new", { user_id })).key;
    keys.aliceProd = (
      await master<{ key: string }>("/key/generate", { user_id: "alice", key_alias: "prod" })
    ).key;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("another key cannot take an alias in use: generate, update, regenerate", async () => {
    refused(await as(keys.mallory!, "/key/generate", { key_alias: "prod" }));
    refused(await as(gateway.masterKey, "/key/generate", { key_alias: "prod" }));
    refused(await as(keys.mallory!, "/key/update", { key: keys.mallory, key_alias: "prod" }));
    refused(await as(keys.mallory!, "/key/regenerate", { key: keys.mallory, key_alias: "prod" }));
    expect(await withAlias("prod")).toBe(1);
    // The key holding it may send it again, and other aliases are free.
    expect(
      (await as(keys.alice!, "/key/update", { key: keys.aliceProd, key_alias: "prod" })).status,
    ).toBe(200);
    expect(
      (await as(keys.mallory!, "/key/update", { key: keys.mallory, key_alias: "mine" })).status,
    ).toBe(200);
  });

  it("two keys made at once under one new alias: one gets it", async () => {
    const replies = await Promise.all(
      [keys.alice!, keys.mallory!, keys.alice!, keys.mallory!].map((k) =>
        as(k, "/key/generate", { key_alias: "race" }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    expect(await withAlias("race")).toBe(1);
  });

  it("a deleted key's alias is free again", async () => {
    await master("/key/delete", { key_aliases: ["prod"] });
    expect((await as(keys.mallory!, "/key/generate", { key_alias: "prod" })).status).toBe(200);
  });
});
