/**
 * The review sweep in one statement: it selects the due reviews, decides which need a reminder
 * (and which an escalation) as of `now`, moves their counters (only where they still hold what
 * was read, so a racing worker or a review acted on meanwhile is left alone) and writes their
 * notifications (ON CONFLICT DO NOTHING on the dedupe key), all in Postgres. No review crosses
 * the wire: only the count of notifications written and the escalations (for their audit events)
 * come back. The payloads are documented in review-reminders.ts; test/integration/
 * review-sweep-sql.test.ts holds the statement to the rules written out in TypeScript.
 *
 * Due dates are named in the policy's time zone by Postgres (`at time zone`), which reads the
 * same IANA names the policy is checked against; a name Postgres did not know would fail the
 * run (no reminder with a wrong date is written).
 */
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { DAY_MS } from './time';
import { rowsOf } from '../../db/rows';

/** What the sweep is run with: the rules of `policy.reviews` and the instants of the run. */
export interface SweepInput {
  now: Date;
  /** When the notifications may go out (the end of quiet hours, or `now`). */
  notBefore: Date;
  remindBeforeDays: number;
  repeatEveryDays: number;
  escalateAfterDays: number;
  /** The organisation's time zone, in which due dates are named. */
  timezone: string;
  /** Only the reviews of these systems (a share of a split sweep); all when absent. */
  systems?: SystemRange | undefined;
}

/** Systems with `from <= id < to`. */
export interface SystemRange {
  from: number;
  to: number;
}

/** A review escalated by the sweep: what its `review.escalated` audit event records. */
export interface Escalated {
  reviewId: number;
  workspaceId: number;
  systemId: number;
  /** ISO instant the review was due. */
  dueAt: string;
  overdueDays: number;
}

/** What the sweep did. */
export interface SweepResult {
  /** Due reviews looked at (open, system approved, due within the horizon, not snoozed). */
  examined: number;
  /** Notifications newly written. */
  written: number;
  /** Reviews escalated by this run, by review id. */
  escalated: Escalated[];
}

/**
 * Runs the sweep's one statement in `tx` (the caller's transaction, which also appends the
 * escalations' audit events). Reviews are written in id order, a review's reminder before its
 * escalation, as the rows, dedupe keys and ON CONFLICT of `enqueueMany` in outbox.ts.
 */
export async function sweepReviews(tx: Db, input: SweepInput): Promise<SweepResult> {
  const result = await tx.execute(sweepStatement(input));
  const out = rowsOf<{ examined: number; written: number; escalated: Escalated[] | string }>(result)[0];
  if (!out) return { examined: 0, written: 0, escalated: [] };
  const escalated = typeof out.escalated === 'string' ? (JSON.parse(out.escalated) as Escalated[]) : out.escalated;
  return { examined: Number(out.examined), written: Number(out.written), escalated };
}

/** The sweep's statement. */
export function sweepStatement(input: SweepInput): SQL {
  const now = input.now.toISOString();
  const horizon = new Date(input.now.getTime() + input.remindBeforeDays * DAY_MS).toISOString();
  // Reminded at or before this instant: the repeat is due.
  const repeatBy = new Date(input.now.getTime() - input.repeatEveryDays * DAY_MS).toISOString();
  const nb = input.notBefore.toISOString();
  return sql`
    with due as (
      select r.id, r.workspace_id as ws, r.system_id as s, r.reminders_sent as prev, r.escalated_at,
        r.last_reminded_at, s.ref_number, s.name as nm, s.owner_id,
        p.platform_id, coalesce(p.display_name, p.platform_id) as owner_name, p.email,
        to_char(r.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as d,
        to_char(r.due_at at time zone ${input.timezone}::text, 'YYYY-MM-DD') as day,
        -- Milliseconds late (negative while not yet due), as the JavaScript clock counts them.
        extract(epoch from (${now}::timestamptz - r.due_at)) * 1000 as late
      from reviews r join ai_systems s on s.id = r.system_id join people p on p.id = s.owner_id
      where r.status = 'open' and s.status = 'approved' and r.due_at <= ${horizon}::timestamptz
        and (r.snoozed_until is null or r.snoozed_until <= ${now}::timestamptz)
        ${input.systems ? sql`and r.system_id >= ${input.systems.from}::int and r.system_id < ${input.systems.to}::int` : sql``}
    ), days as (
      select due.*,
        case when late > 0 then floor(late / ${DAY_MS}::numeric)::int else 0 end as od,
        case when late < 0 then ceil(-late / ${DAY_MS}::numeric)::int else 0 end as di
      from due
    ), plan as (
      select days.*, prev + 1 as next,
        (late > 0 and od >= ${input.escalateAfterDays}::int and escalated_at is null) as esc
      from days
    ), won as (
      update reviews r
      set reminders_sent = v.next, last_reminded_at = ${now}::timestamptz,
          escalated_at = case when v.esc then ${now}::timestamptz else r.escalated_at end
      from plan v
      where r.id = v.id and r.reminders_sent = v.prev and r.status = 'open'
        and (r.snoozed_until is null or r.snoozed_until <= ${now}::timestamptz)
        and (v.prev = 0 or v.esc or v.last_reminded_at is null or v.last_reminded_at <= ${repeatBy}::timestamptz)
      returning v.*,
        'AI-' || v.ref_number as ref,
        (v.esc or v.escalated_at is not null) as x
    ), ins as (
      -- Sorted before the payloads are built (a narrower sort), a review's reminder (0) before its escalation (1).
      insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
      select w.ws,
        case when x.sub = 0 then 'review.reminder:' || w.id || ':' || w.d || ':' || w.next else 'review.escalation:' || w.id || ':' || w.d end,
        case when x.sub = 0 then 'review.reminder' else 'review.escalation' end,
        case when x.sub = 0 then jsonb_build_object('person', w.owner_id) else jsonb_build_object('channel', 'digest') end,
        case when x.sub = 0 then
          jsonb_build_object('reviewId', w.id, 'systemId', w.s, 'ref', w.ref, 'name', w.nm, 'dueAt', w.d,
            'overdueDays', w.od, 'dueInDays', w.di, 'reminderNumber', w.next, 'escalated', w.x)
        else
          jsonb_build_object('reviewId', w.id, 'systemId', w.s, 'ref', w.ref, 'name', w.nm,
            'owner', jsonb_build_object('id', w.owner_id, 'platformId', w.platform_id, 'name', w.owner_name, 'email', w.email),
            'dueAt', w.d, 'overdueDays', w.od,
            'text', 'Overdue review: ' || w.ref || ' "' || w.nm || '" (owner ' || w.owner_name || ') was due on '
              || w.day || ' and is ' || w.od || ' day' || case when w.od = 1 then '' else 's' end || ' overdue.')
        end,
        'pending', ${nb}::timestamptz, ${nb}::timestamptz
      from (select * from won order by id) w
        cross join lateral (select 0 as sub union all select 1 where w.esc) x
      order by w.id, x.sub
      on conflict (dedupe_key) do nothing
      returning 1
    )
    select (select count(*) from due)::int as examined, (select count(*) from ins)::int as written,
      coalesce((select jsonb_agg(jsonb_build_object('reviewId', id, 'workspaceId', ws, 'systemId', s, 'dueAt', d, 'overdueDays', od) order by id)
        from won where esc), '[]'::jsonb) as escalated`;
}
