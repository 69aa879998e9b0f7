/**
 * The metrics behind the policy's objectives (ISO/IEC 42001 6.2 and 9.1), computed per
 * workspace with one set-based query each, and their weekly snapshots in `metric_snapshots`
 * (one row per workspace, ISO week and metric; taking a snapshot again in the same week
 * overwrites it, so the weekly digest running twice keeps one value per week).
 */
import type { SQL } from 'drizzle-orm';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { metricSnapshots } from '../../db/schema-improve';
import { localDate } from '../jobs/time';
import type { Policy } from '../policy';
import type { MetricId } from './metric-ids';
import { METRIC_IDS } from './metric-ids';
import { rowsOf } from '../../db/rows';

/** Every metric's value; null where there is nothing to measure yet. */
export type MetricValues = Record<MetricId, number | null>;

/** What the metrics read from the policy: the AI policy's version and the time zone. */
export type MetricPolicy = Pick<Policy, 'aiPolicy'> & { organization: Pick<Policy['organization'], 'timezone'> };

/** The look-back window of the time-based metrics, in days. */
export const METRIC_WINDOW_DAYS = 90;

const DAY_MS = 86_400_000;

async function one(db: Db, query: SQL): Promise<number | null> {
  const [row] = rowsOf<{ v: unknown }>(await db.execute(query));
  if (row?.v === null || row?.v === undefined) return null;
  const n = Number(row.v);
  return Number.isFinite(n) ? n : null;
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/**
 * `reviews_on_time_pct`: of the reviews that fell due in the last 90 days (due in
 * [now − 90 days, now); superseded ones left out, as a re-triage replaced them), the percentage
 * decided — confirmed, re-triaged or retired — at or before their due time. A review still open
 * past its due time counts as late. Null when none fell due.
 */
function reviewsOnTime(ws: number, from: string, now: string): SQL {
  return sql`select case when count(*) = 0 then null else
      100.0 * count(*) filter (where status in ('confirmed', 'retriaged', 'retired') and decided_at is not null and decided_at <= due_at) / count(*) end as v
    from reviews
    where workspace_id = ${ws} and status <> 'superseded' and due_at >= ${from}::timestamptz and due_at < ${now}::timestamptz`;
}

/**
 * `approval_lead_time_days_p50`: the median, in days, from submission (the request's creation)
 * to approval, over requests approved in the last 90 days. Null when none was approved.
 */
function approvalLeadTime(ws: number, from: string, now: string): SQL {
  return sql`select percentile_cont(0.5) within group (order by extract(epoch from (decided_at - created_at)) / 86400.0) as v
    from approval_requests
    where workspace_id = ${ws} and status = 'approved' and decided_at >= ${from}::timestamptz and decided_at <= ${now}::timestamptz`;
}

/** `open_major_nc`: major nonconformities not closed. */
function openMajorNc(ws: number): SQL {
  return sql`select count(*) as v from nonconformities where workspace_id = ${ws} and severity = 'major' and status <> 'closed'`;
}

/** `overdue_tasks`: open tasks whose due date is before today (in the policy's time zone). */
function overdueTasks(ws: number, today: string): SQL {
  return sql`select count(*) as v from tasks where workspace_id = ${ws} and status = 'open' and due_date < ${today}::date`;
}

/**
 * `policy_ack_pct`: of the people the bot knows in the workspace (its `people` rows), the
 * percentage who acknowledged the current `aiPolicy.version`. Null without an `aiPolicy` or
 * without people.
 */
function policyAck(ws: number, version: number): SQL {
  return sql`select case when count(*) = 0 then null else
      100.0 * count(*) filter (where exists (select 1 from policy_acks a where a.workspace_id = p.workspace_id and a.person_id = p.id and a.version = ${version})) / count(*) end as v
    from people p where p.workspace_id = ${ws}`;
}

/** `literacy_pct`: of the people the bot knows in the workspace, the percentage with a literacy attestation. Null without people. */
function literacy(ws: number): SQL {
  return sql`select case when count(*) = 0 then null else
      100.0 * count(*) filter (where exists (select 1 from literacy_attestations l where l.workspace_id = p.workspace_id and l.person_id = p.id)) / count(*) end as v
    from people p where p.workspace_id = ${ws}`;
}

/** `unregistered_tools`: tools found by discovery (surveys, channels) not registered as a system. */
function unregisteredTools(ws: number): SQL {
  return sql`select count(*) as v from discovered_tools where workspace_id = ${ws} and registered_system_id is null`;
}

/**
 * Computes every metric of {@link METRIC_IDS} for a workspace as of `now`. Percentages and the
 * lead time are rounded to one decimal. `policy` gives the AI policy version (without it,
 * `policy_ack_pct` is null) and the time zone of "today" for overdue tasks (UTC without it).
 */
export async function computeMetrics(db: Db, workspaceId: number, now: Date, policy?: MetricPolicy): Promise<MetricValues> {
  const to = now.toISOString();
  const from = new Date(now.getTime() - METRIC_WINDOW_DAYS * DAY_MS).toISOString();
  const today = localDate(now, policy?.organization.timezone ?? 'UTC');
  const version = policy?.aiPolicy?.version;
  return {
    reviews_on_time_pct: round1(await one(db, reviewsOnTime(workspaceId, from, to))),
    approval_lead_time_days_p50: round1(await one(db, approvalLeadTime(workspaceId, from, to))),
    open_major_nc: (await one(db, openMajorNc(workspaceId))) ?? 0,
    overdue_tasks: (await one(db, overdueTasks(workspaceId, today))) ?? 0,
    policy_ack_pct: version === undefined ? null : round1(await one(db, policyAck(workspaceId, version))),
    literacy_pct: round1(await one(db, literacy(workspaceId))),
    unregistered_tools: (await one(db, unregisteredTools(workspaceId))) ?? 0,
  };
}

/** Monday (`YYYY-MM-DD`) of the ISO week that `now` falls in, in `tz`. */
export function isoWeekMonday(now: Date, tz = 'UTC'): string {
  const day = localDate(now, tz);
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Measures every metric and stores it as this ISO week's snapshot (upsert per workspace, week
 * and metric: a second run in the same week overwrites the values, never adds rows).
 */
export async function snapshotMetrics(db: Db, workspaceId: number, now: Date, policy?: MetricPolicy): Promise<{ week: string; values: MetricValues }> {
  const values = await computeMetrics(db, workspaceId, now, policy);
  const week = isoWeekMonday(now, policy?.organization.timezone ?? 'UTC');
  await db
    .insert(metricSnapshots)
    .values(METRIC_IDS.map((metric) => ({ workspaceId, week, metric, value: values[metric], measuredAt: now })))
    .onConflictDoUpdate({
      target: [metricSnapshots.workspaceId, metricSnapshots.week, metricSnapshots.metric],
      set: { value: sql`excluded.value`, measuredAt: sql`excluded.measured_at` },
    });
  return { week, values };
}

/** One week's value of a metric. */
export interface TrendPoint {
  /** Monday of the ISO week, `YYYY-MM-DD`. */
  week: string;
  value: number | null;
}

/** The last `weeks` snapshots of a metric, oldest first. */
export async function metricTrend(db: Db, workspaceId: number, metric: MetricId, weeks = 8): Promise<TrendPoint[]> {
  const rows = await db
    .select({ week: metricSnapshots.week, value: metricSnapshots.value })
    .from(metricSnapshots)
    .where(and(eq(metricSnapshots.workspaceId, workspaceId), eq(metricSnapshots.metric, metric)))
    .orderBy(desc(metricSnapshots.week))
    .limit(Math.max(1, Math.min(weeks, 520)));
  return rows.reverse();
}
