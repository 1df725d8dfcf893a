import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "@org/db";
import { manage } from "../testing/manage.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Key aliases are unique (management-key-alias-unique.test.ts) also when keys under one new alias
// are made at once on PostgreSQL, where transactions run side by side (the embedded database runs
// them one at a time): the check holds a transaction lock on the alias.

const url = integrationUrl("TEST_DATABASE_URL");

describe.skipIf(!url)("key aliases on PostgreSQL", () => {
  let gateway: TestGateway;
  const schema = `test_alias_${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    gateway = await startTestGateway({ databaseUrl: url!, env: { DATABASE_SCHEMA: schema } });
  }, 120_000);
  afterAll(async () => {
    if (gateway) {
      await executeRows(gateway.gateway.db.db, `drop schema if exists "${schema}" cascade`);
      await gateway.close();
    }
  });

  it("keys made at once under one new alias: one gets it", async () => {
    for (let round = 0; round < 5; round++) {
      const alias = `race-${round}`;
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${gateway.url}/key/generate`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${gateway.masterKey}`,
              "content-type": "application/json",
            },
            body: JSON.stringify({ key_alias: alias }),
          }),
        ),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      const listed = await manage<{ total_count: number }>(
        gateway,
        gateway.masterKey,
        `/key/list?key_alias=${alias}`,
      );
      expect(listed.total_count).toBe(1);
    }
  });
});
