/**
 * The improvement loop of the management system (spec/aims.md): internal audits and their
 * findings, nonconformities with corrective actions, incidents with AI systems, management
 * reviews and the weekly measurements of the objectives. Every table is workspace-scoped.
 */
import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { aiSystems } from './schema';
import { day, id, personRef, ts, workspaceId } from './columns';

/** What an internal audit covers. */
export interface AuditScope {
  /** ISO/IEC 42001 clauses, e.g. `9.2`, `8.2`. */
  clauses: string[];
  /** Annex A control ids (`A.6.2.4`) and organisation-defined ones (`X-1`). */
  controls: string[];
  /** System refs (`AI-3`) named in the scope explicitly; the drawn sample is in `sample`. */
  systems: string[];
}

/** Sample sizes per risk class. */
export interface SampleSizes {
  high: number;
  limited: number;
  minimal: number;
}

/** An internal audit (`IA-2026-1`: year of `plannedFor`, then a number per year). */
export const internalAudits = pgTable(
  'internal_audits',
  {
    id: id(),
    workspaceId: workspaceId(),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    scope: jsonb('scope').$type<AuditScope>().notNull(),
    /** people.id of the auditors. */
    auditorIds: jsonb('auditor_ids').$type<number[]>().notNull(),
    plannedFor: day('planned_for').notNull(),
    sampleSizes: jsonb('sample_sizes').$type<SampleSizes>().notNull(),
    /** The seed the sample was drawn with; drawing again with it gives the same sample. */
    sampleSeed: text('sample_seed').notNull(),
    /** ai_systems.id of the sampled systems, in drawing order. */
    sample: jsonb('sample').$type<number[]>().notNull(),
    /** planned | fieldwork | reported | closed */
    status: text('status').notNull().default('planned'),
    conclusion: text('conclusion'),
    createdById: personRef('created_by_id'),
    reportedAt: ts('reported_at'),
    closedAt: ts('closed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('internal_audits_workspace_year_number_uq').on(t.workspaceId, t.year, t.number)],
);

/** A finding of an internal audit (`IA-2026-1/F-3`). */
export const auditFindings = pgTable(
  'audit_findings',
  {
    id: id(),
    workspaceId: workspaceId(),
    auditId: integer('audit_id')
      .notNull()
      .references(() => internalAudits.id),
    number: integer('number').notNull(),
    /** clause | control | system */
    subjectType: text('subject_type').notNull(),
    /** `9.2`, `A.6.2.4`, `AI-3` */
    subject: text('subject').notNull(),
    /** conformity | observation | ofi | minor_nc | major_nc */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    evidence: text('evidence'),
    recordedById: personRef('recorded_by_id'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('audit_findings_audit_number_uq').on(t.auditId, t.number)],
);

/** A nonconformity (`NC-7`). */
export const nonconformities = pgTable(
  'nonconformities',
  {
    id: id(),
    workspaceId: workspaceId(),
    number: integer('number').notNull(),
    /** audit | incident | review | complaint | other */
    source: text('source').notNull(),
    findingId: integer('finding_id').references(() => auditFindings.id),
    incidentId: integer('incident_id'),
    /** The system it is about, when there is one. */
    systemId: integer('system_id').references(() => aiSystems.id),
    /** Makes a second opening for the same finding or incident a no-op (`finding:<id>`, `incident:<id>`). */
    dedupeKey: text('dedupe_key'),
    /** minor | major */
    severity: text('severity').notNull(),
    description: text('description').notNull(),
    ownerId: personRef('owner_id'),
    containment: text('containment'),
    containedAt: ts('contained_at'),
    rootCause: text('root_cause'),
    rootCauseAt: ts('root_cause_at'),
    /** When nc-reminders asks for the effectiveness verification. */
    effectivenessDueAt: ts('effectiveness_due_at'),
    effective: boolean('effective'),
    verifiedById: personRef('verified_by_id'),
    verifiedAt: ts('verified_at'),
    /** open | action_planned | verifying | closed */
    status: text('status').notNull().default('open'),
    closedById: personRef('closed_by_id'),
    closedAt: ts('closed_at'),
    /** The stage the last nc-reminders message was about and when it went (one per stage and day). */
    lastReminderStage: text('last_reminder_stage'),
    lastRemindedAt: ts('last_reminded_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    createdById: personRef('created_by_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('nonconformities_workspace_number_uq').on(t.workspaceId, t.number),
    uniqueIndex('nonconformities_workspace_dedupe_uq').on(t.workspaceId, t.dedupeKey).where(sql`dedupe_key is not null`),
    index('nonconformities_status_idx').on(t.status, t.workspaceId),
  ],
);

/** An incident with an AI system (`INC-4`). */
export const incidents = pgTable(
  'incidents',
  {
    id: id(),
    workspaceId: workspaceId(),
    number: integer('number').notNull(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    reportedById: personRef('reported_by_id'),
    occurredAt: ts('occurred_at').notNull(),
    description: text('description').notNull(),
    /** none | to_person | to_rights | to_property_or_environment | critical_infrastructure | death_or_serious_health */
    harm: text('harm').notNull(),
    /** Free text or a number as the reporter gave it. */
    peopleAffected: text('people_affected'),
    serious: boolean('serious').notNull(),
    /** The system's class when reported (the clocks depend on it). */
    riskClass: text('risk_class'),
    /** Art. 26(5): the deployer informs the provider immediately. */
    providerInformDueAt: ts('provider_inform_due_at'),
    providerInformedAt: ts('provider_informed_at'),
    /** Art. 73: the report to the market surveillance authority is due (15, 10 or 2 days). */
    authorityReportDueAt: ts('authority_report_due_at'),
    authorityReportedAt: ts('authority_reported_at'),
    /** Which Art. 73 case set the due time: `general` | `death` | `widespread_or_critical`. */
    reportCase: text('report_case'),
    ncId: integer('nc_id').references(() => nonconformities.id),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('incidents_workspace_number_uq').on(t.workspaceId, t.number), index('incidents_workspace_system_idx').on(t.workspaceId, t.systemId)],
);

/** A management review (`MR-2026-Q4`). */
export const managementReviews = pgTable(
  'management_reviews',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** `MR-2026-Q4`, or `MR-2026-Q4-2` for a second review on demand in one quarter. */
    ref: text('ref').notNull(),
    periodStart: day('period_start').notNull(),
    periodEnd: day('period_end').notNull(),
    /** The assembled 9.3.2 inputs, as the neutral data the Markdown/PDF were rendered from. */
    pack: jsonb('pack').$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of the rendered Markdown. */
    packHash: text('pack_hash'),
    /** generated | held */
    status: text('status').notNull().default('generated'),
    heldAt: ts('held_at'),
    /** people.id of the attendees. */
    attendeeIds: jsonb('attendee_ids').$type<number[]>().notNull().default([]),
    createdById: personRef('created_by_id'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('management_reviews_workspace_ref_uq').on(t.workspaceId, t.ref)],
);

/** One measured value of an objective's metric, per workspace and week (the digest's trend). */
export const metricSnapshots = pgTable(
  'metric_snapshots',
  {
    workspaceId: workspaceId(),
    /** Monday of the ISO week measured, `YYYY-MM-DD`. */
    week: day('week').notNull(),
    /** `reviews_on_time_pct`, `approval_lead_time_days_p50`, `open_major_nc`, … */
    metric: text('metric').notNull(),
    /** Null when the metric has no data yet (e.g. no review fell due). */
    value: doublePrecision('value'),
    measuredAt: ts('measured_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.week, t.metric] })],
);
