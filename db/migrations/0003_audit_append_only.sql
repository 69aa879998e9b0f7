CREATE TABLE "audit_checkpoints" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_checkpoints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"posted_platform" text,
	"posted_conversation" text,
	"posted_message" text,
	"posted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash_alg" text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_checkpoints_workspace_seq_idx" ON "audit_checkpoints" USING btree ("workspace_id","seq");--> statement-breakpoint
-- The audit trail is append-only in the database itself: events and recorded checkpoints can be
-- added, never changed or removed, and a workspace's audit head only moves forward to an event
-- of its chain. The triggers fire "always", so `session_replication_role = replica` does not
-- skip them; an owner or superuser can still disable them by name, which the keyed hashes and
-- the published checkpoints are there to catch (`aimsbot audit verify`).
CREATE FUNCTION "aims_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING HINT = 'The audit trail is evidence: rows are only ever added. See "The audit trail" in docs/jobs.md.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "aims_refuse_audit_change"();
--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE ALWAYS TRIGGER "audit_events_append_only";
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_append_only" BEFORE DELETE OR TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "aims_refuse_audit_change"();
--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ENABLE ALWAYS TRIGGER "audit_checkpoints_append_only";
--> statement-breakpoint
-- A recorded checkpoint keeps its head; only where it was posted is filled in, once.
CREATE FUNCTION "aims_audit_checkpoint_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.workspace_id, NEW.seq, NEW.hash, NEW.source, NEW.created_at)
       IS DISTINCT FROM (OLD.id, OLD.workspace_id, OLD.seq, OLD.hash, OLD.source, OLD.created_at)
     OR (OLD.posted_at IS NOT NULL
         AND (NEW.posted_platform, NEW.posted_conversation, NEW.posted_message, NEW.posted_at)
             IS DISTINCT FROM (OLD.posted_platform, OLD.posted_conversation, OLD.posted_message, OLD.posted_at)) THEN
    RAISE EXCEPTION 'audit_checkpoints: checkpoint % cannot change once recorded (only where it was posted is filled in, once)', OLD.id;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_fixed" BEFORE UPDATE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "aims_audit_checkpoint_fixed"();
--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ENABLE ALWAYS TRIGGER "audit_checkpoints_fixed";
--> statement-breakpoint
-- The head (workspaces.audit_seq, audit_hash) moves only forward, and only to an event that exists.
CREATE FUNCTION "aims_audit_head_forward"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.audit_seq IS NOT DISTINCT FROM OLD.audit_seq AND NEW.audit_hash IS NOT DISTINCT FROM OLD.audit_hash THEN
    RETURN NEW;
  END IF;
  IF NEW.audit_seq <= OLD.audit_seq THEN
    RAISE EXCEPTION 'the audit head of workspace % only moves forward: seq % to % refused', OLD.id, OLD.audit_seq, NEW.audit_seq
      USING HINT = 'The audit trail is evidence: events are only ever added. See "The audit trail" in docs/jobs.md.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM "audit_events" e WHERE e.workspace_id = NEW.id AND e.seq = NEW.audit_seq AND e.hash = NEW.audit_hash) THEN
    RAISE EXCEPTION 'the audit head of workspace % must name an event of its chain: there is no event % with that hash', NEW.id, NEW.audit_seq;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "workspaces_audit_head_forward" BEFORE UPDATE ON "workspaces"
  FOR EACH ROW EXECUTE FUNCTION "aims_audit_head_forward"();
--> statement-breakpoint
ALTER TABLE "workspaces" ENABLE ALWAYS TRIGGER "workspaces_audit_head_forward";
