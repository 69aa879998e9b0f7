/**
 * Assembles the management review pack of a workspace as of `now` from the tables of each area:
 * review actions (tasks of kind `review_action`), the inventory and the obligations' dates, the
 * objectives' weekly measurements, nonconformities and their corrective actions, internal audits
 * and findings, incidents. Read-only; lists are cut at {@link PACK_LIST_LIMIT}, counts are whole.
 */
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, assessments, people, reviews } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, incidents, internalAudits, managementReviews, metricSnapshots, nonconformities } from '../../db/schema-improve';
import { METRIC_DIRECTION } from '../objectives/metric-ids';
import type { MetricId } from '../objectives/metric-ids';
import type { Policy } from '../policy';
import { findingRef, incidentRef, internalAuditRef, ncRef, taskRef } from '../refs';
import { applicableFrom, LEGAL_DATE_IDS } from '../triage/legal-dates';
import type { LegalDateId } from '../triage/legal-dates';
import { systemRef } from '../views';
import { NC_AGE_BUCKETS } from '../charts/specs';
import { DAY_MS, fromZoned, localDate } from '../jobs/time';
import type { PackAudit, PackNc, PackObjective, PackTask, ReviewPack } from './pack';
import { PACK_LIST_LIMIT } from './pack';
import { addDaysTo, lastMonths, threeMonthsBefore } from './period';

/** Months shown by the inventory and review-timeliness charts. */
export const CHART_MONTHS = 6;
/** Weeks of each objective's trend. */
export const TREND_WEEKS = 8;
/** How far ahead obligations count as upcoming (months). */
export const OBLIGATION_HORIZON_MONTHS = 6;

/** The start of a local day as an instant. */
function dayStart(localDay: string, tz: string): Date {
  return fromZoned(Number(localDay.slice(0, 4)), Number(localDay.slice(5, 7)), Number(localDay.slice(8, 10)), 0, 0, tz);
}

/** Builds the pack of `ref` for the workspace as of `now`. */
export async function assemblePack(db: Db, policy: Policy, workspaceId: number, ref: string, now: Date): Promise<ReviewPack> {
  const tz = policy.organization.timezone;
  const today = localDate(now, tz);
  const periodStart = threeMonthsBefore(today);
  const start = dayStart(periodStart, tz);
  const horizon = sixMonthsAfter(today);
  return {
    ref,
    organization: policy.organization.name,
    timezone: tz,
    periodStart,
    periodEnd: today,
    generatedAt: now.toISOString(),
    previousActions: await previousActions(db, workspaceId, today),
    issues: {
      upcomingObligations: await upcomingObligations(db, policy, workspaceId, today, horizon),
      horizon,
      inventory: await inventoryChanges(db, workspaceId, start, now),
    },
    objectives: await objectives(db, policy, workspaceId),
    nonconformities: await ncSection(db, workspaceId, start, now, today),
    audits: await auditSection(db, workspaceId, periodStart, start),
    incidents: await incidentSection(db, workspaceId, start, now),
    improvements: await improvementSection(db, workspaceId, start),
    charts: {
      inventoryByClass: await inventoryByMonth(db, workspaceId, today, tz),
      reviewTimeliness: await reviewTimeliness(db, workspaceId, today, tz, now),
      ncAgeing: await ncAgeing(db, workspaceId, now),
    },
  };
}

function sixMonthsAfter(today: string): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1 + OBLIGATION_HORIZON_MONTHS;
  const d = Number(today.slice(8, 10));
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, last))).toISOString().slice(0, 10);
}

const personName = sql<string | null>`coalesce(${people.displayName}, ${people.platformId})`;

async function previousActions(db: Db, workspaceId: number, today: string): Promise<ReviewPack['previousActions']> {
  const where = and(eq(tasks.workspaceId, workspaceId), eq(tasks.kind, 'review_action'), eq(tasks.subjectType, 'review'));
  const counts = await db.select({ status: tasks.status, n: count() }).from(tasks).where(where).groupBy(tasks.status);
  const by = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
  const [overdue] = await db.select({ n: count() }).from(tasks).where(and(where, eq(tasks.status, 'open'), lt(tasks.dueDate, today)));
  const open = await db
    .select({ number: tasks.number, title: tasks.title, status: tasks.status, dueDate: tasks.dueDate, assignee: personName, group: tasks.assigneeGroup, review: managementReviews.ref })
    .from(tasks)
    .leftJoin(people, eq(people.id, tasks.assigneeId))
    .leftJoin(managementReviews, and(eq(managementReviews.id, tasks.subjectId), eq(managementReviews.workspaceId, workspaceId)))
    .where(and(where, eq(tasks.status, 'open')))
    .orderBy(asc(tasks.dueDate), asc(tasks.number))
    .limit(PACK_LIST_LIMIT);
  const openItems: PackTask[] = open.map((t) => ({
    ref: taskRef(t.number),
    title: t.title,
    status: t.status,
    dueDate: t.dueDate,
    assignee: t.assignee ?? (t.group ? `group ${t.group}` : 'nobody'),
    review: t.review,
    overdue: t.dueDate < today,
  }));
  const total = counts.reduce((s, c) => s + c.n, 0);
  return { total, open: by('open'), done: by('done'), notApplicable: by('not_applicable'), overdue: overdue?.n ?? 0, openItems };
}

async function upcomingObligations(db: Db, policy: Policy, workspaceId: number, today: string, horizon: string): Promise<ReviewPack['issues']['upcomingObligations']> {
  const soon = new Map<string, string>();
  for (const id of LEGAL_DATE_IDS) {
    const from = applicableFrom(id as LegalDateId, policy.legalDates);
    if (from && from >= today && from <= horizon) soon.set(id, from);
  }
  if (soon.size === 0) return [];
  const rows = await db
    .select({ refNumber: aiSystems.refNumber, result: assessments.result })
    .from(aiSystems)
    .innerJoin(assessments, eq(assessments.id, aiSystems.currentAssessmentId))
    .where(and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.status, 'retired')))
    .orderBy(asc(aiSystems.refNumber));
  const systems = new Map<string, string[]>([...soon.keys()].map((k) => [k, []]));
  for (const r of rows) {
    const obligations = (r.result as { obligations?: Array<{ id?: string; applicableFrom?: string | null }> }).obligations ?? [];
    for (const o of obligations) {
      if (!o.id) continue;
      // The obligation's own date says which route it takes (e.g. `<id>.annex_i_only`).
      const id = [o.id, ...LEGAL_DATE_IDS.filter((k) => k.startsWith(`${o.id}.`))].find((k) => soon.has(k) && (!o.applicableFrom || o.applicableFrom === soon.get(k)));
      const list = id ? systems.get(id) : undefined;
      const sref = systemRef(r.refNumber);
      if (list && !list.includes(sref)) list.push(sref);
    }
  }
  return [...soon.entries()]
    .map(([id, from]) => ({ id, applicableFrom: from, systems: systems.get(id) ?? [] }))
    .sort((a, b) => a.applicableFrom.localeCompare(b.applicableFrom) || a.id.localeCompare(b.id));
}

async function inventoryChanges(db: Db, workspaceId: number, start: Date, now: Date): Promise<ReviewPack['issues']['inventory']> {
  const live = and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.status, 'retired'));
  const byClass = await db.select({ key: sql<string>`coalesce(${aiSystems.riskClass}, 'unclassified')`, n: count() }).from(aiSystems).where(live).groupBy(sql`1`);
  const inPeriod = and(eq(aiSystems.workspaceId, workspaceId), gte(aiSystems.createdAt, start), lt(aiSystems.createdAt, now));
  const [added] = await db.select({ n: count() }).from(aiSystems).where(inPeriod);
  const [retired] = await db
    .select({ n: count() })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.status, 'retired'), gte(aiSystems.updatedAt, start), lt(aiSystems.updatedAt, now)));
  const addedSystems = await db
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name, riskClass: aiSystems.riskClass })
    .from(aiSystems)
    .where(inPeriod)
    .orderBy(asc(aiSystems.refNumber))
    .limit(PACK_LIST_LIMIT);
  return {
    total: byClass.reduce((s, c) => s + c.n, 0),
    added: added?.n ?? 0,
    retired: retired?.n ?? 0,
    byClass: byClass.map((c) => ({ key: c.key, count: c.n })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    addedSystems: addedSystems.map((s) => ({ ref: systemRef(s.refNumber), name: s.name, riskClass: s.riskClass })),
  };
}

async function objectives(db: Db, policy: Policy, workspaceId: number): Promise<PackObjective[]> {
  const out: PackObjective[] = [];
  for (const o of policy.objectives) {
    const rows = await db
      .select({ week: metricSnapshots.week, value: metricSnapshots.value })
      .from(metricSnapshots)
      .where(and(eq(metricSnapshots.workspaceId, workspaceId), eq(metricSnapshots.metric, o.metric)))
      .orderBy(desc(metricSnapshots.week))
      .limit(TREND_WEEKS);
    const trend = rows.reverse().map((r) => ({ week: r.week, value: r.value }));
    const last = [...trend].reverse().find((t) => t.value !== null) ?? null;
    const direction = o.direction ?? METRIC_DIRECTION[o.metric as MetricId];
    const latest = last?.value ?? null;
    out.push({
      metric: o.metric,
      name: o.name ?? o.metric,
      target: o.target,
      direction,
      latest,
      week: last?.week ?? null,
      met: latest === null ? null : direction === 'at_least' ? latest >= o.target : latest <= o.target,
      trend,
    });
  }
  return out;
}

async function ncSection(db: Db, workspaceId: number, start: Date, now: Date, today: string): Promise<ReviewPack['nonconformities']> {
  const ws = eq(nonconformities.workspaceId, workspaceId);
  const openRows = await db
    .select({
      id: nonconformities.id,
      number: nonconformities.number,
      severity: nonconformities.severity,
      status: nonconformities.status,
      source: nonconformities.source,
      description: nonconformities.description,
      createdAt: nonconformities.createdAt,
      owner: personName,
    })
    .from(nonconformities)
    .leftJoin(people, eq(people.id, nonconformities.ownerId))
    .where(and(ws, ne(nonconformities.status, 'closed')))
    .orderBy(asc(nonconformities.number));
  const [opened] = await db.select({ n: count() }).from(nonconformities).where(and(ws, gte(nonconformities.createdAt, start), lt(nonconformities.createdAt, now)));
  const [closed] = await db.select({ n: count() }).from(nonconformities).where(and(ws, eq(nonconformities.status, 'closed'), gte(nonconformities.closedAt, start), lt(nonconformities.closedAt, now)));
  const actionWhere = and(eq(tasks.workspaceId, workspaceId), eq(tasks.kind, 'corrective_action'));
  const actionCounts = await db.select({ status: tasks.status, n: count() }).from(tasks).where(actionWhere).groupBy(tasks.status);
  const [overdue] = await db.select({ n: count() }).from(tasks).where(and(actionWhere, eq(tasks.status, 'open'), lt(tasks.dueDate, today)));
  const ids = openRows.slice(0, PACK_LIST_LIMIT).map((r) => r.id);
  const perNc = ids.length
    ? await db
        .select({ subjectId: tasks.subjectId, status: tasks.status, n: count() })
        .from(tasks)
        .where(and(actionWhere, eq(tasks.subjectType, 'nc'), inArray(tasks.subjectId, ids)))
        .groupBy(tasks.subjectId, tasks.status)
    : [];
  const actions = (id: number, s: string) => perNc.find((p) => p.subjectId === id && p.status === s)?.n ?? 0;
  const openItems: PackNc[] = openRows.slice(0, PACK_LIST_LIMIT).map((r) => ({
    ref: ncRef(r.number),
    severity: r.severity,
    status: r.status,
    source: r.source,
    description: r.description,
    owner: r.owner ?? 'nobody',
    ageDays: Math.max(0, Math.floor((now.getTime() - r.createdAt.getTime()) / DAY_MS)),
    actionsOpen: actions(r.id, 'open'),
    actionsDone: actions(r.id, 'done'),
  }));
  return {
    open: openRows.length,
    openMajor: openRows.filter((r) => r.severity === 'major').length,
    openMinor: openRows.filter((r) => r.severity === 'minor').length,
    openedInPeriod: opened?.n ?? 0,
    closedInPeriod: closed?.n ?? 0,
    correctiveActions: { open: actionCounts.find((c) => c.status === 'open')?.n ?? 0, done: actionCounts.find((c) => c.status === 'done')?.n ?? 0, overdue: overdue?.n ?? 0 },
    openItems,
  };
}

async function auditSection(db: Db, workspaceId: number, periodStart: string, start: Date): Promise<PackAudit[]> {
  // Audits planned in the period, and any not closed before it began.
  const audits = await db
    .select()
    .from(internalAudits)
    .where(and(eq(internalAudits.workspaceId, workspaceId), or(gte(internalAudits.plannedFor, periodStart), ne(internalAudits.status, 'closed'), gte(internalAudits.updatedAt, start))))
    .orderBy(asc(internalAudits.year), asc(internalAudits.number))
    .limit(PACK_LIST_LIMIT);
  if (audits.length === 0) return [];
  const counts = await db
    .select({ auditId: auditFindings.auditId, kind: auditFindings.kind, n: count() })
    .from(auditFindings)
    .where(and(eq(auditFindings.workspaceId, workspaceId), inArray(auditFindings.auditId, audits.map((a) => a.id))))
    .groupBy(auditFindings.auditId, auditFindings.kind);
  const ncFindings = await db
    .select({ auditId: auditFindings.auditId, number: auditFindings.number, kind: auditFindings.kind, subject: auditFindings.subject, text: auditFindings.text, ncNumber: nonconformities.number, ncStatus: nonconformities.status })
    .from(auditFindings)
    .leftJoin(nonconformities, and(eq(nonconformities.findingId, auditFindings.id), eq(nonconformities.workspaceId, workspaceId)))
    .where(and(eq(auditFindings.workspaceId, workspaceId), inArray(auditFindings.auditId, audits.map((a) => a.id)), inArray(auditFindings.kind, ['minor_nc', 'major_nc'])))
    .orderBy(asc(auditFindings.auditId), asc(auditFindings.number));
  return audits.map((a) => {
    const n = (kind: string) => counts.find((c) => c.auditId === a.id && c.kind === kind)?.n ?? 0;
    const ref = internalAuditRef(a.year, a.number);
    return {
      ref,
      title: a.title,
      status: a.status,
      plannedFor: a.plannedFor,
      conclusion: a.conclusion,
      findings: { conformity: n('conformity'), observation: n('observation'), ofi: n('ofi'), minor_nc: n('minor_nc'), major_nc: n('major_nc') },
      ncFindings: ncFindings
        .filter((f) => f.auditId === a.id)
        .slice(0, PACK_LIST_LIMIT)
        .map((f) => ({ ref: findingRef(ref, f.number), kind: f.kind, subject: f.subject, text: f.text, nc: f.ncNumber === null ? null : ncRef(f.ncNumber), ncStatus: f.ncStatus })),
    };
  });
}

async function incidentSection(db: Db, workspaceId: number, start: Date, now: Date): Promise<ReviewPack['incidents']> {
  const where = and(eq(incidents.workspaceId, workspaceId), gte(incidents.occurredAt, start), lt(incidents.occurredAt, now));
  const [totals] = await db.select({ n: count(), serious: sql<number>`count(*) filter (where ${incidents.serious})`.mapWith(Number) }).from(incidents).where(where);
  const rows = await db
    .select({ inc: incidents, refNumber: aiSystems.refNumber, name: aiSystems.name, ncNumber: nonconformities.number })
    .from(incidents)
    .innerJoin(aiSystems, eq(aiSystems.id, incidents.systemId))
    .leftJoin(nonconformities, eq(nonconformities.id, incidents.ncId))
    .where(where)
    .orderBy(asc(incidents.occurredAt), asc(incidents.number))
    .limit(PACK_LIST_LIMIT);
  return {
    total: totals?.n ?? 0,
    serious: totals?.serious ?? 0,
    items: rows.map((r) => ({
      ref: incidentRef(r.inc.number),
      system: `${systemRef(r.refNumber)} ${r.name}`,
      occurredAt: r.inc.occurredAt.toISOString(),
      harm: r.inc.harm,
      serious: r.inc.serious,
      authorityReportDueAt: r.inc.authorityReportDueAt?.toISOString() ?? null,
      authorityReportedAt: r.inc.authorityReportedAt?.toISOString() ?? null,
      nc: r.ncNumber === null ? null : ncRef(r.ncNumber),
    })),
  };
}

async function improvementSection(db: Db, workspaceId: number, start: Date): Promise<ReviewPack['improvements']> {
  const rows = await db
    .select({ number: auditFindings.number, subject: auditFindings.subject, text: auditFindings.text, year: internalAudits.year, auditNumber: internalAudits.number })
    .from(auditFindings)
    .innerJoin(internalAudits, eq(internalAudits.id, auditFindings.auditId))
    .where(and(eq(auditFindings.workspaceId, workspaceId), eq(auditFindings.kind, 'ofi'), gte(auditFindings.createdAt, start)))
    .orderBy(asc(internalAudits.year), asc(internalAudits.number), asc(auditFindings.number))
    .limit(PACK_LIST_LIMIT);
  return rows.map((r) => ({ ref: findingRef(internalAuditRef(r.year, r.auditNumber), r.number), subject: r.subject, text: r.text }));
}

/** Systems in the inventory at the end of each of the last months (retired ones until their retirement). */
async function inventoryByMonth(db: Db, workspaceId: number, today: string, tz: string): Promise<ReviewPack['charts']['inventoryByClass']> {
  const out: ReviewPack['charts']['inventoryByClass'] = [];
  for (const month of lastMonths(today, CHART_MONTHS)) {
    const next = lastMonths(addDaysTo(`${month}-28`, 7), 1)[0]!;
    // The end of the month, or today for the current one.
    const end = next > today.slice(0, 7) ? dayStart(addDaysTo(today, 1), tz) : dayStart(`${next}-01`, tz);
    const rows = await db
      .select({ key: sql<string>`coalesce(${aiSystems.riskClass}, 'unclassified')`, n: count() })
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), lt(aiSystems.createdAt, end), or(ne(aiSystems.status, 'retired'), gte(aiSystems.updatedAt, end))))
      .groupBy(sql`1`);
    for (const r of rows.sort((a, b) => a.key.localeCompare(b.key))) out.push({ period: month, riskClass: r.key, count: r.n });
  }
  return out;
}

/** Reviews by the month they fell due: done by the due time, done after it, still open past it. */
async function reviewTimeliness(db: Db, workspaceId: number, today: string, tz: string, now: Date): Promise<ReviewPack['charts']['reviewTimeliness']> {
  const months = lastMonths(today, CHART_MONTHS);
  const from = dayStart(`${months[0]}-01`, tz);
  const rows = await db
    .select({ dueAt: reviews.dueAt, decidedAt: reviews.decidedAt, status: reviews.status })
    .from(reviews)
    .where(and(eq(reviews.workspaceId, workspaceId), gte(reviews.dueAt, from), lt(reviews.dueAt, now), or(isNotNull(reviews.decidedAt), eq(reviews.status, 'open'))));
  return months.map((period) => {
    const due = rows.filter((r) => localDate(r.dueAt, tz).slice(0, 7) === period);
    return {
      period,
      onTime: due.filter((r) => r.decidedAt && r.decidedAt <= r.dueAt).length,
      late: due.filter((r) => r.decidedAt && r.decidedAt > r.dueAt).length,
      overdue: due.filter((r) => !r.decidedAt).length,
    };
  });
}

/** Open nonconformities by age bucket and severity (every bucket present, zeros included). */
async function ncAgeing(db: Db, workspaceId: number, now: Date): Promise<ReviewPack['charts']['ncAgeing']> {
  const rows = await db
    .select({ severity: nonconformities.severity, createdAt: nonconformities.createdAt })
    .from(nonconformities)
    .where(and(eq(nonconformities.workspaceId, workspaceId), ne(nonconformities.status, 'closed')));
  const bucketOf = (age: number) => (age <= 30 ? 0 : age <= 60 ? 1 : age <= 90 ? 2 : 3);
  const out: ReviewPack['charts']['ncAgeing'] = [];
  for (const [i, bucket] of NC_AGE_BUCKETS.entries()) {
    for (const severity of ['major', 'minor']) {
      const n = rows.filter((r) => r.severity === severity && bucketOf(Math.floor((now.getTime() - r.createdAt.getTime()) / DAY_MS)) === i).length;
      out.push({ bucket, severity, count: n });
    }
  }
  return out;
}
