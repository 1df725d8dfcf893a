import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canCopyCsv, copyCsv } from "./copy-csv.ts";
import { createDb } from "./create-db.ts";
import type { Database } from "./database.ts";
import { executeRows } from "./execute-rows.ts";

const url = process.env.TEST_DATABASE_URL;

describe("copyCsv", () => {
  let embedded: Database;
  let tables = 0;
  beforeAll(async () => {
    embedded = await createDb({});
  }, 60_000);
  afterAll(async () => {
    await embedded?.close();
  });
  // A table of its own per test, on the one embedded database (opening PGlite takes seconds).
  const pglite = async () => {
    const table = `t${++tables}`;
    await embedded.raw.query(`create table ${table} (id text primary key, note text, n integer)`);
    return { database: embedded, table };
  };

  it("loads CSV rows on PGlite, in a transaction and outside one, quotes and NULLs as CSV says", async () => {
    const { database, table } = await pglite();
    expect(canCopyCsv(database.db)).toBe(true);
    await copyCsv(database.db, table, "id, note, n", `"a","x, ""y""\nz",1\n"b",,\n"c","",3\n`);
    await database.db.transaction(async (tx) => {
      expect(canCopyCsv(tx)).toBe(true);
      await copyCsv(tx, table, "id, note, n", `"d","in tx",4\n`);
    });
    const rows = await executeRows(
      database.db,
      sql`select id, note, n from ${sql.identifier(table)} order by id`,
    );
    expect(rows).toEqual([
      { id: "a", note: 'x, "y"\nz', n: 1 },
      { id: "b", note: null, n: null },
      { id: "c", note: "", n: 3 },
      { id: "d", note: "in tx", n: 4 },
    ]);
  });

  it("fails the whole statement on a duplicate key, and a savepoint lets the transaction go on", async () => {
    const { database, table } = await pglite();
    await copyCsv(database.db, table, "id, note, n", `"a","first",1\n`);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`savepoint s`);
      await expect(
        copyCsv(tx, table, "id, note, n", `"b","new",2\n"a","again",3\n`),
      ).rejects.toThrow(/duplicate key/);
      await tx.execute(sql`rollback to savepoint s`);
      await tx.execute(
        sql`insert into ${sql.identifier(table)} (id, note, n) values ('c', 'after', 3)`,
      );
    });
    const rows = await executeRows(
      database.db,
      sql`select id from ${sql.identifier(table)} order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual(["a", "c"]);
  });

  it.skipIf(!url)(
    "is not offered on postgres.js (TEST_DATABASE_URL)",
    { timeout: 30_000 },
    async () => {
      const schema = `test_copy_${randomBytes(6).toString("hex")}`;
      const database = await createDb({ url, schema });
      expect(canCopyCsv(database.db)).toBe(false);
      await database.db.transaction(async (tx) => expect(canCopyCsv(tx)).toBe(false));
      await expect(copyCsv(database.db, "t", "id", `"a"\n`)).rejects.toThrow(/PGlite/);
      await database.raw.query(`drop schema "${schema}" cascade`);
      await database.close();
    },
  );
});
