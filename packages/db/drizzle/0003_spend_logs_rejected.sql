CREATE TABLE "spend_logs_rejected" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"rejected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text NOT NULL,
	"error_code" text DEFAULT '' NOT NULL,
	"reason" text NOT NULL,
	"record" text NOT NULL
);
