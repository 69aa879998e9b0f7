CREATE TABLE "slack_form_states" (
	"key" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"data" jsonb NOT NULL,
	"submitting_at" timestamp with time zone,
	"done_ref" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "slack_form_states_expires_at_idx" ON "slack_form_states" USING btree ("expires_at");