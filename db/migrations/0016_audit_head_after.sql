-- The head check runs after the statement that moves the head instead of before it: a row-level
-- AFTER trigger sees everything its statement wrote, so one statement can append a workspace's
-- events (a data-modifying WITH) and move its head to the newest of them. The append then holds
-- the workspace lock for one round trip fewer. The rules are unchanged: the head (audit_seq,
-- audit_hash) only moves forward, and only to an event of its chain; a statement that breaks
-- them is refused whole. The trigger keeps its name and still fires "always".
DROP TRIGGER "workspaces_audit_head_forward" ON "workspaces";
--> statement-breakpoint
CREATE TRIGGER "workspaces_audit_head_forward" AFTER UPDATE OF "audit_seq", "audit_hash" ON "workspaces"
  FOR EACH ROW EXECUTE FUNCTION "aims_audit_head_forward"();
--> statement-breakpoint
ALTER TABLE "workspaces" ENABLE ALWAYS TRIGGER "workspaces_audit_head_forward";
