CREATE TABLE "deleted_virtual_keys" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"key_alias" text,
	"team_id" text,
	"user_id" text,
	"reason" text NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_by" text
);
--> statement-breakpoint
CREATE INDEX "deleted_virtual_keys_key_id_idx" ON "deleted_virtual_keys" USING btree ("key_id");