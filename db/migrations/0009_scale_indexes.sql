-- Trigram search for `check` of an unknown name (PGlite loads the extension in db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "ai_systems_workspace_submitted_by_idx" ON "ai_systems" USING btree ("workspace_id","submitted_by_id");--> statement-breakpoint
CREATE INDEX "ai_systems_name_trgm_idx" ON "ai_systems" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "ai_systems_name_key_trgm_idx" ON "ai_systems" USING gin ("name_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "approval_steps_status_created_idx" ON "approval_steps" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "assessments_workspace_created_idx" ON "assessments" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_workspace_action_occurred_idx" ON "audit_events" USING btree ("workspace_id","action","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_workspace_occurred_idx" ON "audit_events" USING btree ("workspace_id","occurred_at");--> statement-breakpoint
CREATE INDEX "reviews_status_due_idx" ON "reviews" USING btree ("status","due_at");