import { sql } from "drizzle-orm";
import { text } from "drizzle-orm/pg-core";

/**
 * A text primary key that defaults to a random UUID.
 *
 * Text rather than uuid because LiteLLM's API lets callers choose ids (`team_id`,
 * `user_id`, `organization_id` may be any string), so the column must accept them; the
 * default lives in SQL so rows inserted outside drizzle get one too.
 */
export const generatedId = (name: string) =>
  text(name)
    .primaryKey()
    .default(sql`gen_random_uuid()::text`);
