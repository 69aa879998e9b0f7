ALTER TABLE "workspaces" ADD COLUMN "audit_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "audit_hash" text;--> statement-breakpoint
-- Existing chains: the head is the newest event of each workspace.
UPDATE "workspaces" w SET "audit_seq" = e."seq", "audit_hash" = e."hash"
FROM (SELECT DISTINCT ON ("workspace_id") "workspace_id", "seq", "hash" FROM "audit_events" ORDER BY "workspace_id", "seq" DESC) e
WHERE e."workspace_id" = w."id";
