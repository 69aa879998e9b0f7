/**
 * The nc-reminders job (spec/aims.md): chases each stage of every open nonconformity —
 * `containment` and `root_cause` missing `nc.remindEveryDays` after it was raised (its owner;
 * the digest channel, where compliance reads, when it has none), `verification` once
 * `effectivenessDueAt` has passed without a verification (the owner and compliance), `closure`
 * of one verified effective but not closed (compliance). One message per NC and stage per
 * `nc.remindEveryDays`, whatever the number of runs.
 *
 * Set-based: one statement per stage across every workspace — a data-modifying CTE moves the
 * counters (`last_reminder_stage`, `last_reminded_at`, `reminders_sent`) of the NCs that are
 * due and writes their notifications in the same statement (ON CONFLICT DO NOTHING on the
 * dedupe key), held until the end of quiet hours.
 */
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { JobDeps, JobReport } from '../jobs/common';
import { nextAllowedTime } from '../jobs/time';

/** The stages nc-reminders chases, in the order it runs them. */
export const NC_REMINDER_STAGES = ['containment', 'root_cause', 'verification', 'closure'] as const;
/** A stage. */
export type NcReminderStage = (typeof NC_REMINDER_STAGES)[number];

interface StageSql {
  /** Which NCs are at this stage (beyond not closed). */
  where: SQL;
  /** The message, from the updated row `d`. */
  text: SQL;
  /** Recipients as (suffix, recipient jsonb) rows for `d`. */
  recipients: SQL;
}

const ref = sql`'NC-' || d.number`;
const about = sql`${ref} || ' (' || d.severity || ', ' || d.source || '): ' || d.description`;
const owner = sql`(select 'owner', jsonb_build_object('person', d.owner_id) where d.owner_id is not null)`;
const compliance = sql`(select 'compliance', '{"channel":"digest"}'::jsonb)`;
const ownerElseCompliance = sql`(select 'owner', case when d.owner_id is null then '{"channel":"digest"}'::jsonb else jsonb_build_object('person', d.owner_id) end)`;
const noOwner = sql`case when d.owner_id is null then ' It has no owner: compliance, name one.' else '' end`;

function stages(grace: SQL, at: SQL, tz: string): Record<NcReminderStage, StageSql> {
  return {
    containment: {
      where: sql`n.containment is null and n.status in ('open', 'action_planned') and n.created_at <= ${grace}`,
      text: sql`'Nonconformity ' || ${about} || ' has no containment yet: record the immediate correction with nc ' || ${ref} || '.' || ${noOwner}`,
      recipients: ownerElseCompliance,
    },
    root_cause: {
      where: sql`n.containment is not null and n.root_cause is null and n.status = 'open' and n.created_at <= ${grace}`,
      text: sql`'Nonconformity ' || ${about} || ' has no root cause yet: record it with nc ' || ${ref} || ', then plan the corrective actions.' || ${noOwner}`,
      recipients: ownerElseCompliance,
    },
    verification: {
      where: sql`n.status = 'verifying' and n.effective is null and n.effectiveness_due_at <= ${at}`,
      text: sql`'The effectiveness check of nonconformity ' || ${about} || ' was due on ' || to_char(d.effectiveness_due_at at time zone ${tz}, 'YYYY-MM-DD') || ': verify whether its corrective actions worked with nc ' || ${ref} || '.'`,
      recipients: sql`${owner} union all ${compliance}`,
    },
    closure: {
      where: sql`n.effective is true and n.status <> 'closed'`,
      text: sql`'Nonconformity ' || ${about} || ' was verified effective and can be closed: nc ' || ${ref} || '.'`,
      recipients: compliance,
    },
  };
}

/** Runs one stage: counters and notifications in one statement; returns the notifications written. */
async function runStage(db: Db, stage: NcReminderStage, s: StageSql, at: SQL, notBefore: string, every: number): Promise<number> {
  const result = await db.execute<{ dedupe_key: string }>(sql`
    with d as (
      update nonconformities n
      set last_reminder_stage = ${stage}, last_reminded_at = ${at}, reminders_sent = n.reminders_sent + 1
      where n.status <> 'closed' and ${s.where}
        and (n.last_reminder_stage is distinct from ${stage} or n.last_reminded_at is null
             or n.last_reminded_at <= ${at} - ${every} * interval '1 day')
      returning n.id, n.workspace_id, n.number, n.owner_id, n.severity, n.source, left(n.description, 300) as description,
                n.reminders_sent, n.effectiveness_due_at
    )
    insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
    select d.workspace_id,
           'nc.reminder:' || d.id || ':' || ${stage} || ':' || d.reminders_sent || ':' || r.who,
           'nc.reminder', r.recipient,
           jsonb_build_object('ncId', d.id, 'ref', ${ref}, 'stage', ${stage}::text, 'reminderNumber', d.reminders_sent, 'text', ${s.text}),
           'pending', ${notBefore}::timestamptz, ${notBefore}::timestamptz
    from d cross join lateral (${s.recipients}) as r(who, recipient)
    on conflict (dedupe_key) do nothing
    returning dedupe_key`);
  const rows = Array.isArray(result) ? (result as Array<unknown>) : ((result as { rows?: Array<unknown> }).rows ?? []);
  return rows.length;
}

/** Runs the job as of `now` in every workspace. */
export async function runNcReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const every = policy.nc.remindEveryDays;
  const at = sql`${now.toISOString()}::timestamptz`;
  const grace = sql`${new Date(now.getTime() - every * 86_400_000).toISOString()}::timestamptz`;
  const notBefore = nextAllowedTime(policy, now).toISOString();
  const all = stages(grace, at, policy.organization.timezone);
  let enqueued = 0;
  for (const stage of NC_REMINDER_STAGES) enqueued += await runStage(db, stage, all[stage], at, notBefore, every);
  const [open] = await db.execute<{ n: number }>(sql`select count(*)::int as n from nonconformities where status <> 'closed'`).then((r) => (Array.isArray(r) ? r : ((r as { rows?: Array<{ n: number }> }).rows ?? [])) as Array<{ n: number }>);
  return { enqueued, examined: Number(open?.n ?? 0) };
}
