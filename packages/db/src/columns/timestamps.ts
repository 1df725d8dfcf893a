import { timestamp } from "drizzle-orm/pg-core";

/** All timestamps are `timestamptz`: instants, independent of the server's or client's zone. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** `created_at`, set by the database on insert. */
export const createdAt = () => timestamptz("created_at").notNull().defaultNow();

/** `updated_at`, set on insert by the database and on every drizzle update by the ORM. */
export const updatedAt = () =>
  timestamptz("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
