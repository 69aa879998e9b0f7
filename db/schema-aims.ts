/**
 * The management-system objects beyond registration and approval (spec/aims.md): risks, impact
 * assessments, tasks, the control register and approved Statement of Applicability versions.
 * Like every table, each carries `workspace_id` and every query filters on it.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { aiSystems } from './schema';
import { day, id, personRef, ts, workspaceId } from './columns';

/**
 * Per-workspace counters for the short references of aims.md (`T-12`, `SoA-4`, `X-2`, and per
 * system `AI-3/R-1`, `AI-3/IA-1`): `scope` is e.g. `task`, `soa`, `control`, `risk:<system id>`.
 * Taken with an upsert in the transaction that creates the object (flows/refs.ts).
 */
export const refCounters = pgTable(
  'ref_counters',
  {
    workspaceId: workspaceId(),
    scope: text('scope').notNull(),
    /** The last number handed out. */
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.scope] })],
);

/** One risk of a system's risk register (`AI-3/R-1`). */
export const risks = pgTable(
  'risks',
  {
    id: id(),
    workspaceId: workspaceId(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    /** The `n` of `AI-<ref>/R-<n>`, unique per system. */
    number: integer('number').notNull(),
    /** Risk catalog id (aims.md): `bias_discrimination`, …, `other`. */
    source: text('source').notNull(),
    description: text('description').notNull(),
    likelihood: integer('likelihood').notNull(),
    impact: integer('impact').notNull(),
    /** likelihood × impact, 1–25. */
    score: integer('score').notNull(),
    /** mitigate | accept | avoid | transfer */
    treatment: text('treatment').notNull(),
    /** Annex A control ids (`A.6.2.4`) and organisation-defined ones (`X-1`). */
    controls: jsonb('controls').$type<string[]>().notNull().default([]),
    measures: text('measures').notNull().default(''),
    treatmentOwnerId: personRef('treatment_owner_id'),
    dueDate: day('due_date'),
    residualLikelihood: integer('residual_likelihood'),
    residualImpact: integer('residual_impact'),
    /** open | treating | treated | accepted | closed */
    status: text('status').notNull().default('open'),
    acceptedById: personRef('accepted_by_id'),
    acceptedAt: ts('accepted_at'),
    createdById: personRef('created_by_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('risks_system_number_uq').on(t.systemId, t.number),
    index('risks_workspace_status_idx').on(t.workspaceId, t.status),
  ],
);

/** One impact assessment of a system (`AI-3/IA-1`); a new one supersedes the previous. */
export const impactAssessments = pgTable(
  'impact_assessments',
  {
    id: id(),
    workspaceId: workspaceId(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    number: integer('number').notNull(),
    /** Version of the impact questions the answers follow. */
    version: integer('version').notNull(),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    /** The Art. 27(1)(a)–(f) elements are filled. */
    fria: boolean('fria').notNull().default(false),
    assessedById: personRef('assessed_by_id'),
    /** When the next assessment falls due (with the review, or at once after a re-triage). */
    dueAt: ts('due_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('impact_assessments_system_number_uq').on(t.systemId, t.number)],
);

/** A task (`T-12`): an obligation, a risk treatment, an evidence request, a corrective action… */
export const tasks = pgTable(
  'tasks',
  {
    id: id(),
    workspaceId: workspaceId(),
    number: integer('number').notNull(),
    /** obligation | risk_treatment | evidence_request | corrective_action | review_action */
    kind: text('kind').notNull(),
    /** What it is about: `system`, `risk`, `finding`, `nc`, `audit`, `review`. */
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id').notNull(),
    /** The system it belongs to, when there is one (scoping and filters). */
    systemId: integer('system_id').references(() => aiSystems.id),
    /** Makes a second creation of the same task a no-op, e.g. `obligation:<system id>:fria`. */
    dedupeKey: text('dedupe_key'),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    assigneeId: personRef('assignee_id'),
    /** A group of the policy when the task is the group's (e.g. organisation duties: `compliance`). */
    assigneeGroup: text('assignee_group'),
    dueDate: day('due_date').notNull(),
    /** open | done | not_applicable */
    status: text('status').notNull().default('open'),
    /** URL or note; required for `done`. */
    evidence: text('evidence'),
    /** Why it does not apply; required for `not_applicable`. */
    reason: text('reason'),
    closedById: personRef('closed_by_id'),
    closedAt: ts('closed_at'),
    /** Reminders sent for the current due date (task-reminders job). */
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastRemindedAt: ts('last_reminded_at'),
    /** When the overdue task was escalated to the assignee's approver group (once). */
    escalatedAt: ts('escalated_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tasks_workspace_number_uq').on(t.workspaceId, t.number),
    uniqueIndex('tasks_workspace_dedupe_uq').on(t.workspaceId, t.dedupeKey).where(sql`dedupe_key is not null`),
    index('tasks_workspace_assignee_status_idx').on(t.workspaceId, t.assigneeId, t.status, t.dueDate),
    index('tasks_status_due_idx').on(t.status, t.dueDate),
    index('tasks_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId),
  ],
);

/**
 * The control register: one row per Annex A control (`A.6.2.4`) a workspace has touched, and one
 * per organisation-defined control (`X-1`). Applicability is derived from the live systems
 * unless `applicable_override` is set, which needs a justification.
 */
export const controlStates = pgTable(
  'control_states',
  {
    id: id(),
    workspaceId: workspaceId(),
    controlId: text('control_id').notNull(),
    /** Only for organisation-defined controls; Annex A titles come from flows/annex-a.ts. */
    title: text('title'),
    custom: boolean('custom').notNull().default(false),
    applicableOverride: boolean('applicable_override'),
    justification: text('justification'),
    /** not_started | in_progress | implemented | not_applicable */
    status: text('status').notNull().default('not_started'),
    ownerId: personRef('owner_id'),
    /** URLs or notes. */
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    reviewedAt: ts('reviewed_at'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('control_states_workspace_control_uq').on(t.workspaceId, t.controlId)],
);

/** An approved, frozen Statement of Applicability (`SoA-4`). */
export const soaVersions = pgTable(
  'soa_versions',
  {
    id: id(),
    workspaceId: workspaceId(),
    number: integer('number').notNull(),
    /** The controls as approved: the same rows `export soa` writes. */
    snapshot: jsonb('snapshot').notNull(),
    /** SHA-256 of the canonical JSON of `snapshot`; also in the `soa.approved` audit event. */
    hash: text('hash').notNull(),
    approvedById: personRef('approved_by_id').notNull(),
    approvedAt: ts('approved_at').notNull(),
  },
  (t) => [uniqueIndex('soa_versions_workspace_number_uq').on(t.workspaceId, t.number)],
);
