CREATE TABLE "semantic_cache_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"partition" text NOT NULL,
	"cache_key" text NOT NULL,
	"dimensions" integer NOT NULL,
	"embedding" real[] NOT NULL,
	"body" text NOT NULL,
	"expires_at_ms" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "semantic_cache_entries_partition_key_idx" ON "semantic_cache_entries" USING btree ("partition","cache_key");--> statement-breakpoint
CREATE INDEX "semantic_cache_entries_expires_at_idx" ON "semantic_cache_entries" USING btree ("expires_at_ms");