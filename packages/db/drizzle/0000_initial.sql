CREATE TABLE "audit_logs" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_by" text DEFAULT '' NOT NULL,
	"changed_by_api_key_hash" text DEFAULT '' NOT NULL,
	"action" text NOT NULL,
	"table_name" text NOT NULL,
	"object_id" text NOT NULL,
	"before_value" jsonb,
	"updated_values" jsonb
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"max_budget" numeric(20, 10),
	"soft_budget" numeric(20, 10),
	"max_parallel_requests" integer,
	"tpm_limit" bigint,
	"rpm_limit" bigint,
	"model_max_budget" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"budget_duration" text,
	"budget_reset_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "end_users" (
	"id" text PRIMARY KEY NOT NULL,
	"alias" text,
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"allowed_model_region" text,
	"default_model" text,
	"budget_id" text,
	"blocked" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"organization_alias" text NOT NULL,
	"budget_id" text,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"model_spend" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "proxy_models" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"model_name" text NOT NULL,
	"litellm_params_encrypted" text NOT NULL,
	"model_info" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "spend_logs" (
	"request_id" text PRIMARY KEY NOT NULL,
	"call_type" text NOT NULL,
	"api_key_hash" text DEFAULT '' NOT NULL,
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"total_tokens" integer DEFAULT 0 NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"completion_start_time" timestamp with time zone,
	"request_duration_ms" integer,
	"model" text DEFAULT '' NOT NULL,
	"model_group" text,
	"model_id" text,
	"provider" text,
	"api_base" text,
	"user_id" text,
	"end_user_id" text,
	"team_id" text,
	"organization_id" text,
	"request_tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"cache_key" text,
	"status" text DEFAULT 'success' NOT NULL,
	"status_code" integer,
	"error_type" text,
	"error_message" text,
	"requester_ip_address" text,
	"messages" jsonb,
	"response" jsonb
);
--> statement-breakpoint
CREATE TABLE "team_memberships" (
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text DEFAULT 'user' NOT NULL,
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"budget_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_memberships_pkey" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"team_alias" text,
	"organization_id" text,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_budget" numeric(20, 10),
	"soft_budget" numeric(20, 10),
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"model_spend" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_max_budget" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_aliases" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_parallel_requests" integer,
	"tpm_limit" bigint,
	"rpm_limit" bigint,
	"budget_duration" text,
	"budget_reset_at" timestamp with time zone,
	"blocked" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"user_alias" text,
	"user_email" text,
	"user_role" text DEFAULT 'internal_user' NOT NULL,
	"sso_user_id" text,
	"password_hash" text,
	"organization_id" text,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_budget" numeric(20, 10),
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"model_spend" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_max_budget" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_parallel_requests" integer,
	"tpm_limit" bigint,
	"rpm_limit" bigint,
	"budget_duration" text,
	"budget_reset_at" timestamp with time zone,
	"allowed_cache_controls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_sso_user_id_unique" UNIQUE("sso_user_id")
);
--> statement-breakpoint
CREATE TABLE "virtual_keys" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"token_hash" text NOT NULL,
	"key_name" text,
	"key_alias" text,
	"user_id" text,
	"team_id" text,
	"organization_id" text,
	"budget_id" text,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"aliases" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"permissions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_budget" numeric(20, 10),
	"spend" numeric(20, 10) DEFAULT 0 NOT NULL,
	"model_spend" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_max_budget" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"soft_budget_cooldown" boolean DEFAULT false NOT NULL,
	"max_parallel_requests" integer,
	"tpm_limit" bigint,
	"rpm_limit" bigint,
	"budget_duration" text,
	"budget_reset_at" timestamp with time zone,
	"allowed_cache_controls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"allowed_routes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blocked" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"last_active_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "virtual_keys_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "end_users" ADD CONSTRAINT "end_users_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD CONSTRAINT "virtual_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD CONSTRAINT "virtual_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD CONSTRAINT "virtual_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD CONSTRAINT "virtual_keys_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_logs_table_name_object_id_idx" ON "audit_logs" USING btree ("table_name","object_id");--> statement-breakpoint
CREATE INDEX "audit_logs_changed_at_idx" ON "audit_logs" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "budgets_budget_reset_at_idx" ON "budgets" USING btree ("budget_reset_at");--> statement-breakpoint
CREATE INDEX "proxy_models_model_name_idx" ON "proxy_models" USING btree ("model_name");--> statement-breakpoint
CREATE INDEX "spend_logs_start_time_idx" ON "spend_logs" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "spend_logs_api_key_hash_start_time_idx" ON "spend_logs" USING btree ("api_key_hash","start_time");--> statement-breakpoint
CREATE INDEX "spend_logs_team_id_start_time_idx" ON "spend_logs" USING btree ("team_id","start_time");--> statement-breakpoint
CREATE INDEX "spend_logs_user_id_start_time_idx" ON "spend_logs" USING btree ("user_id","start_time");--> statement-breakpoint
CREATE INDEX "spend_logs_end_user_id_start_time_idx" ON "spend_logs" USING btree ("end_user_id","start_time");--> statement-breakpoint
CREATE INDEX "team_memberships_user_id_idx" ON "team_memberships" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "teams_organization_id_idx" ON "teams" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "teams_team_alias_idx" ON "teams" USING btree ("team_alias");--> statement-breakpoint
CREATE INDEX "teams_budget_reset_at_idx" ON "teams" USING btree ("budget_reset_at");--> statement-breakpoint
CREATE INDEX "users_user_email_idx" ON "users" USING btree ("user_email");--> statement-breakpoint
CREATE INDEX "users_organization_id_idx" ON "users" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "users_budget_reset_at_idx" ON "users" USING btree ("budget_reset_at");--> statement-breakpoint
CREATE INDEX "virtual_keys_user_id_team_id_idx" ON "virtual_keys" USING btree ("user_id","team_id");--> statement-breakpoint
CREATE INDEX "virtual_keys_team_id_idx" ON "virtual_keys" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "virtual_keys_organization_id_idx" ON "virtual_keys" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "virtual_keys_key_alias_idx" ON "virtual_keys" USING btree ("key_alias");--> statement-breakpoint
CREATE INDEX "virtual_keys_budget_reset_at_expires_at_idx" ON "virtual_keys" USING btree ("budget_reset_at","expires_at");