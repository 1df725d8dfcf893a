DROP INDEX "spend_logs_team_id_start_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_user_id_start_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_end_user_id_start_time_idx";--> statement-breakpoint
CREATE INDEX "spend_logs_team_id_start_time_idx" ON "spend_logs" USING btree ("team_id","start_time") WHERE "spend_logs"."team_id" is not null;--> statement-breakpoint
CREATE INDEX "spend_logs_user_id_start_time_idx" ON "spend_logs" USING btree ("user_id","start_time") WHERE "spend_logs"."user_id" is not null;--> statement-breakpoint
CREATE INDEX "spend_logs_end_user_id_start_time_idx" ON "spend_logs" USING btree ("end_user_id","start_time") WHERE "spend_logs"."end_user_id" is not null;