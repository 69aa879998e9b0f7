CREATE TABLE "request_replay" (
	"key" text PRIMARY KEY NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "request_replay_seen_at_idx" ON "request_replay" USING btree ("seen_at");