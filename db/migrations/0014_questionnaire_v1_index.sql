-- The re-triage stage of the review-reminders job (flows/jobs/retriage-flags.ts) looks for
-- systems whose current assessment was made with questionnaire v1. Without an index every run
-- read every assessment (every version, with its answers and result: ~20,000 pages at 100k
-- systems) to find the few, or none, still on v1. A partial index holds only those.
CREATE INDEX "assessments_questionnaire_v1_idx" ON "assessments" USING btree ("id") WHERE questionnaire_version = 1;