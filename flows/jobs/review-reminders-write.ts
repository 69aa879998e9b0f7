/**
 * The write side of the review-reminders sweep: one statement per page that moves the counters of
 * the reviews that still hold what was read and builds their notifications in SQL, so each review
 * crosses the wire as a short row instead of two full notification payloads (parsing those was
 * a third of the job's time at 100k reviews).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';

/** The constant middle of a reminder's text, after "Review of AI-n "name" <when>". */
const ASK = '. Is the registration still accurate? Confirm it, update the answers, retire the system, or snooze the review (at most 30 days, with a reason).';
/** Appended to a reminder once compliance has been told. */
const ESCALATED_NOTE = ' The review is overdue and compliance has been told.';

/**
 * What one due review needs written, in the short keys sent to Postgres. The reminder's text is
 * `Review of ${ref} "${nm}" ${w}` + {@link ASK} (+ {@link ESCALATED_NOTE} when `x`) (+ ` (reminder n)`
 * from the second on); the escalation's text and owner come ready-made.
 */
export interface PlanRow {
  /** Review id, the counter as read and as it becomes, whether this run escalates. */
  id: number;
  prev: number;
  next: number;
  esc: boolean;
  ws: number;
  /** System id, `AI-n`, system name, owner's person id. */
  s: number;
  ref: string;
  nm: string;
  to: number;
  /** ISO instant due. */
  d: string;
  od: number;
  di: number;
  /** Compliance has been (or is now being) told. */
  x: boolean;
  /** "is due on …" / "was due on … and is n days overdue". */
  w: string;
  /** Escalations only: the owner as the digest names them, and the escalation's text. */
  o?: { id: number; platformId: string; name: string; email: string | null };
  et?: string;
}

/** A review's row and, when it escalates, its audit event. */
export interface Plan {
  row: PlanRow;
  audit: AuditInput | null;
}

/**
 * Writes a page's plans in one statement: the counters first (only where they still hold what was
 * read: still open, not snoozed, system still approved), then the notifications of exactly those
 * reviews, in plan order (a review's reminder before its escalation), with the rows, dedupe keys
 * and ON CONFLICT of `enqueueMany` in outbox.ts. Only the count of new notifications and the ids
 * of escalated reviews come back; their audit events go into the same transaction. Returns the
 * notifications newly written.
 */
export async function writePlans(tx: Db, plans: readonly Plan[], now: Date, notBefore: Date): Promise<number> {
  const at = now.toISOString();
  const nb = notBefore.toISOString();
  const rows = plans.map((p, ord) => ({ ...p.row, ord }));
  const result = await tx.execute(sql`
    with won as (
      update reviews r
      set reminders_sent = v.next, last_reminded_at = ${at}::timestamptz,
          escalated_at = case when v.esc then ${at}::timestamptz else r.escalated_at end
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
        id integer, prev integer, next integer, esc boolean, ws integer, s integer, ref text, nm text, "to" integer,
        d text, od integer, di integer, x boolean, w text, o jsonb, et text, ord integer)
      where r.id = v.id and r.reminders_sent = v.prev and r.status = 'open'
        and (r.snoozed_until is null or r.snoozed_until <= ${at}::timestamptz)
        and exists (select 1 from ai_systems s where s.id = r.system_id and s.status = 'approved')
      returning v.*
    ), ins as (
      insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
      select q.ws, q.k, q.t, q.rc, q.p, 'pending', ${nb}::timestamptz, ${nb}::timestamptz
      from (
        select won.ord, 0 as sub, won.ws, 'review.reminder:' || won.id || ':' || won.d || ':' || won.next as k,
          'review.reminder' as t, jsonb_build_object('person', won."to") as rc,
          jsonb_build_object('reviewId', won.id, 'systemId', won.s, 'ref', won.ref, 'name', won.nm, 'dueAt', won.d,
            'overdueDays', won.od, 'dueInDays', won.di, 'reminderNumber', won.next, 'escalated', won.x,
            'text', 'Review of ' || won.ref || ' "' || won.nm || '" ' || won.w || ${ASK}::text
              || case when won.x then ${ESCALATED_NOTE}::text else '' end
              || case when won.next > 1 then ' (reminder ' || won.next || ')' else '' end) as p
        from won
        union all
        select won.ord, 1, won.ws, 'review.escalation:' || won.id || ':' || won.d,
          'review.escalation', jsonb_build_object('channel', 'digest'),
          jsonb_build_object('reviewId', won.id, 'systemId', won.s, 'ref', won.ref, 'name', won.nm, 'owner', won.o,
            'dueAt', won.d, 'overdueDays', won.od, 'text', won.et)
        from won where won.esc
      ) q
      order by q.ord, q.sub
      on conflict (dedupe_key) do nothing
      returning 1
    )
    select (select count(*) from ins)::int as written,
      coalesce((select jsonb_agg(id) from won where esc), '[]'::jsonb) as escalated`);
  const out = rowsOf<{ written: number; escalated: number[] | string }>(result)[0];
  if (!out) return 0;
  const escalated = new Set<number>((typeof out.escalated === 'string' ? (JSON.parse(out.escalated) as number[]) : out.escalated).map(Number));
  if (escalated.size > 0) await appendAuditBatch(tx, plans.flatMap((p) => (p.audit && escalated.has(p.row.id) ? [p.audit] : [])));
  return Number(out.written);
}

/** Rows of `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
