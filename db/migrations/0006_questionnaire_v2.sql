ALTER TABLE "ai_systems" ADD COLUMN "retriage_needed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ai_systems" ADD COLUMN "retriage_reason" text;