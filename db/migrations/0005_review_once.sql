-- Repair before the index: replayed or racing review actions could leave a system with several
-- open reviews. Keep the one the system's next review date points at (else the newest) and close
-- the others as superseded, which is what a later review action would have done to them.
UPDATE "reviews" r SET "status" = 'superseded'
WHERE r."status" = 'open'
  AND r."id" <> (
    SELECT o."id" FROM "reviews" o JOIN "ai_systems" s ON s."id" = o."system_id"
    WHERE o."system_id" = r."system_id" AND o."status" = 'open'
    ORDER BY (o."due_at" = s."next_review_at") DESC NULLS LAST, o."id" DESC
    LIMIT 1
  );--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_one_open_per_system_uq" ON "reviews" USING btree ("system_id") WHERE status = 'open';
