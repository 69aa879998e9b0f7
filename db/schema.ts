/**
 * The data model. Every table but `workspaces` carries `workspace_id`, and every query filters
 * on it: a workspace is one tenant (one Slack team, one Teams tenant, or the local shell).
 */

import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const id = () => integer('id').primaryKey().generatedAlwaysAsIdentity();
const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const workspaceId = () =>
  integer('workspace_id')
    .notNull()
    .references(() => workspaces.id);

/** A tenant: platform (`slack`, `teams`, `shell`) plus the platform's id for it. */
export const workspaces = pgTable(
  'workspaces',
  {
    id: id(),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    /** Next `AI-<n>` number to hand out. */
    nextRef: integer('next_ref').notNull().default(1),
    /** Head of the audit chain: seq and hash of the newest event, moved in the same transaction. */
    auditSeq: integer('audit_seq').notNull().default(0),
    auditHash: text('audit_hash'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId)],
);

/** A person known by a platform identity (`slack:U123`, `teams:<aad id>`, `shell:alice`). */
export const people = pgTable(
  'people',
  {
    id: id(),
    workspaceId: workspaceId(),
    platformId: text('platform_id').notNull(),
    displayName: text('display_name'),
    email: text('email'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('people_workspace_platform_uq').on(t.workspaceId, t.platformId),
    index('people_workspace_email_idx').on(t.workspaceId, t.email),
  ],
);

/** A registered AI system and its current state. */
export const aiSystems = pgTable(
  'ai_systems',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** The `n` of the short reference `AI-<n>`, unique per workspace. */
    refNumber: integer('ref_number').notNull(),
    name: text('name').notNull(),
    /** The name folded for duplicate detection (case, space and punctuation removed). */
    nameKey: text('name_key').notNull(),
    vendor: text('vendor').notNull().default(''),
    url: text('url'),
    purpose: text('purpose').notNull(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => people.id),
    department: text('department').notNull().default(''),
    usageStatus: text('usage_status').notNull(),
    /** draft | pending_approval | approved | rejected | changes_requested | blocked | retired */
    status: text('status').notNull(),
    riskClass: text('risk_class'),
    currentAssessmentId: integer('current_assessment_id'),
    submittedById: integer('submitted_by_id')
      .notNull()
      .references(() => people.id),
    nextReviewAt: ts('next_review_at'),
    /**
     * Set when the current assessment was made with questionnaire v1 and its answers cannot be
     * mapped to v2 ("re-triage needed (questionnaire v2)"); cleared by the next assessment.
     */
    retriageNeededAt: ts('retriage_needed_at'),
    /** Which v1 answers could not be mapped, e.g. `model_origin = vendor_customized`. */
    retriageReason: text('retriage_reason'),
    /** The AI tool catalog entry (flows/discovery/catalog) the registration was pre-filled from. */
    catalogId: text('catalog_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('ai_systems_workspace_ref_uq').on(t.workspaceId, t.refNumber),
    index('ai_systems_workspace_name_key_idx').on(t.workspaceId, t.nameKey),
    index('ai_systems_workspace_owner_idx').on(t.workspaceId, t.ownerId),
    index('ai_systems_workspace_status_review_idx').on(t.workspaceId, t.status, t.nextReviewAt),
    // `/aims list`: systems the actor submitted (the owner side uses the owner index).
    index('ai_systems_workspace_submitted_by_idx').on(t.workspaceId, t.submittedById),
    // `check` of an unknown name: substring search (ILIKE '%…%') through trigram indexes (pg_trgm).
    index('ai_systems_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('ai_systems_name_key_trgm_idx').using('gin', t.nameKey.op('gin_trgm_ops')),
  ],
);

/** One version of a system's triage: the answers, the classifier output, who and when. */
export const assessments = pgTable(
  'assessments',
  {
    id: id(),
    workspaceId: workspaceId(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    version: integer('version').notNull(),
    questionnaireVersion: integer('questionnaire_version').notNull(),
    answers: jsonb('answers').notNull(),
    result: jsonb('result').notNull(),
    submittedById: integer('submitted_by_id')
      .notNull()
      .references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('assessments_system_version_uq').on(t.systemId, t.version),
    // The digest's "assessed in the period".
    index('assessments_workspace_created_idx').on(t.workspaceId, t.createdAt),
    // The re-triage stage of the review sweep looks only at questionnaire-v1 assessments: without
    // this, every run reads every assessment (all versions, answers and results) to find none.
    index('assessments_questionnaire_v1_idx').on(t.id).where(sql`questionnaire_version = 1`),
  ],
);

/** A request for approval of one assessment; one step per approver role. */
export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: id(),
    workspaceId: workspaceId(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id),
    /** pending | approved | rejected | changes_requested | blocked | superseded */
    status: text('status').notNull(),
    submittedById: integer('submitted_by_id')
      .notNull()
      .references(() => people.id),
    createdAt: createdAt(),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    index('approval_requests_workspace_system_idx').on(t.workspaceId, t.systemId),
    index('approval_requests_workspace_status_idx').on(t.workspaceId, t.status),
  ],
);

/** One approver role's decision on a request. */
export const approvalSteps = pgTable(
  'approval_steps',
  {
    id: id(),
    workspaceId: workspaceId(),
    requestId: integer('request_id')
      .notNull()
      .references(() => approvalRequests.id),
    position: integer('position').notNull(),
    /** owner | compliance | privacy | security | a policy-added role */
    role: text('role').notNull(),
    /** The policy group that may decide (null for the owner step). */
    groupName: text('group_name'),
    /** For the owner step: the owner. */
    ownerId: integer('owner_id').references(() => people.id),
    /** pending | approved | rejected | changes_requested | cancelled */
    status: text('status').notNull(),
    decidedById: integer('decided_by_id').references(() => people.id),
    decidedAt: ts('decided_at'),
    reason: text('reason'),
    /** The assessment (answers and result) the decision was made on. */
    assessmentSnapshot: jsonb('assessment_snapshot'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastRemindedAt: ts('last_reminded_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('approval_steps_request_role_uq').on(t.requestId, t.role),
    index('approval_steps_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt),
    // The approval-reminders sweep runs over every workspace.
    index('approval_steps_status_created_idx').on(t.status, t.createdAt),
  ],
);

/**
 * A review due for an approved system (ISO 42001 clause 8.4). Stored with fillfactor 50
 * (migration 0012, not expressible here) so the reminders' counter updates stay HOT.
 */
export const reviews = pgTable(
  'reviews',
  {
    id: id(),
    workspaceId: workspaceId(),
    systemId: integer('system_id')
      .notNull()
      .references(() => aiSystems.id),
    dueAt: ts('due_at').notNull(),
    /** open | confirmed | retriaged | retired | superseded */
    status: text('status').notNull(),
    snoozedUntil: ts('snoozed_until'),
    snoozeReason: text('snooze_reason'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastRemindedAt: ts('last_reminded_at'),
    escalatedAt: ts('escalated_at'),
    decidedById: integer('decided_by_id').references(() => people.id),
    decidedAt: ts('decided_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('reviews_workspace_status_due_idx').on(t.workspaceId, t.status, t.dueAt),
    // The review-reminders sweep runs over every workspace: open reviews by due date.
    index('reviews_status_due_idx').on(t.status, t.dueAt),
    index('reviews_system_idx').on(t.systemId),
    // At most one open review per system: a replayed or racing review action cannot leave two.
    uniqueIndex('reviews_one_open_per_system_uq').on(t.systemId).where(sql`status = 'open'`),
  ],
);

/**
 * The notification outbox. A row is written in the same transaction as the change that causes
 * it; `dedupe_key` makes a second write of the same notification a no-op.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    /**
     * The workspace (workspaces.id), without a foreign key: the outbox is written in bulk (a
     * review sweep writes one row per due review) and a key is checked row by row, about a fifth of
     * the sweep's time at 100k reviews. Every row is written by a flow that has just read or
     * locked its workspace, and workspaces are never deleted.
     */
    workspaceId: integer('workspace_id').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    kind: text('kind').notNull(),
    /** Who gets it: `{ "person": 12 }`, `{ "channel": "approvals" }`, ... */
    recipient: jsonb('recipient').notNull(),
    payload: jsonb('payload').notNull(),
    /** pending | sending | sent | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: ts('not_before').notNull(),
    lockedUntil: ts('locked_until'),
    sentAt: ts('sent_at'),
    lastError: text('last_error'),
    /**
     * An earlier attempt may have posted without recording it: its lease ran out while it was
     * `sending`, or it ended in an error whose outcome is unknown. The deliverer then looks for
     * that post on the platform before posting again. Stays set until the row is sent.
     */
    reclaimed: boolean('reclaimed').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.dedupeKey),
    index('notifications_status_due_idx').on(t.status, t.notBefore),
  ],
);

/** Messages the bot posted about a subject, so every copy can be updated in place. */
export const platformMessages = pgTable(
  'platform_messages',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** approval_request | review */
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id').notNull(),
    platform: text('platform').notNull(),
    /** parent | step | dm | reminder ... */
    role: text('role').notNull(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id').notNull(),
    /** For threaded replies: the parent message id. */
    threadId: text('thread_id'),
    /** For step messages: the step id. */
    stepId: integer('step_id'),
    createdAt: createdAt(),
  },
  (t) => [index('platform_messages_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId)],
);

/** Stored conversation references (Teams proactive messages) per user or channel. */
export const conversationRefs = pgTable(
  'conversation_refs',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** `person:<platform id>` or `channel:<conversation id>` */
    refKey: text('ref_key').notNull(),
    reference: jsonb('reference').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('conversation_refs_key_uq').on(t.workspaceId, t.refKey)],
);

/** Inbound deliveries already processed (platform retries), keyed by the platform's event id. */
export const inboundEvents = pgTable('inbound_events', {
  key: text('key').primaryKey(),
  receivedAt: ts('received_at').notNull(),
});

/**
 * Signed requests already accepted (Slack signatures), so a request replayed with the same
 * signature and timestamp is refused by every replica. `nonce` tells the replica that wrote a row
 * its own write apart from a replay when an insert is retried. Rows older than the accepted
 * timestamp window are purged (see adapters/slack/replay-store.ts).
 */
export const requestReplay = pgTable(
  'request_replay',
  {
    key: text('key').primaryKey(),
    nonce: text('nonce').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [index('request_replay_seen_at_idx').on(t.seenAt)],
);

/**
 * The answers of a Slack registration / triage modal between its pages, kept here rather than in
 * the view's `private_metadata` (3,000 characters), which only carries `key`. Any replica can
 * handle the next page. A row expires (`expires_at`, 24 hours after the last page) and is purged
 * then. `submitting_at` claims the last page, so two submissions of one view register once;
 * `done_ref` is the system it registered (or resubmitted, re-triaged), for the late one.
 */
export const slackFormStates = pgTable(
  'slack_form_states',
  {
    key: text('key').primaryKey(),
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    data: jsonb('data').notNull(),
    submittingAt: ts('submitting_at'),
    doneRef: text('done_ref'),
    doneAt: ts('done_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('slack_form_states_expires_at_idx').on(t.expiresAt)],
);

/** Append-only, hash-chained audit trail (ISO 42001 clause 7.5). */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspaceId(),
    /** Position in the workspace's chain, from 1. */
    seq: integer('seq').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    /** Person platform id, or `system`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    data: jsonb('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    /**
     * How `hash` chains this event: `sha256` (plain SHA-256, anyone can recompute it) or
     * `hmac-sha256` (HMAC-SHA-256 under AIMS_AUDIT_KEY). A keyed event hashes this value too.
     */
    hashAlg: text('hash_alg').notNull().default('sha256'),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_events_workspace_seq_uq').on(t.workspaceId, t.seq),
    index('audit_events_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId),
    // The digest's activity of the period, and exports filtered by time.
    index('audit_events_workspace_action_occurred_idx').on(t.workspaceId, t.action, t.occurredAt),
    index('audit_events_workspace_occurred_idx').on(t.workspaceId, t.occurredAt),
  ],
);

/**
 * Published heads of the audit chain: the outside witness of `audit verify`. A checkpoint is
 * recorded (with an `audit.checkpoint` event) when the weekly digest or `aimsbot audit
 * checkpoint` publishes the head; the deliverer fills in where the post went.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** The head published: seq and hash of the newest event at the time. */
    seq: integer('seq').notNull(),
    hash: text('hash').notNull(),
    /** `weekly-digest` or `command`. */
    source: text('source').notNull(),
    createdAt: createdAt(),
    /** Where it was posted: `slack`, `teams` or `shell`; null until the post succeeds. */
    postedPlatform: text('posted_platform'),
    /** Slack channel id, or Teams conversation id. */
    postedConversation: text('posted_conversation'),
    /** Slack message ts, or Teams activity id. */
    postedMessage: text('posted_message'),
    postedAt: ts('posted_at'),
  },
  (t) => [index('audit_checkpoints_workspace_seq_idx').on(t.workspaceId, t.seq)],
);

/**
 * Slack app installations (OAuth install, many workspaces), as Bolt's installation store keeps
 * them. One row per install: `team:<T…>` for a workspace, `enterprise:<E…>` for an org-wide
 * (Enterprise Grid) install. The installation with its tokens is stored only encrypted
 * (AES-256-GCM with AIMS_ENCRYPTION_KEY, see adapters/slack/seal.ts); the other columns are ids.
 */
export const slackInstallations = pgTable(
  'slack_installations',
  {
    id: id(),
    /** `team:<team id>` or `enterprise:<enterprise id>`. */
    installKey: text('install_key').notNull(),
    teamId: text('team_id'),
    enterpriseId: text('enterprise_id'),
    isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
    appId: text('app_id'),
    botUserId: text('bot_user_id'),
    /** The Bolt installation as JSON, sealed; null once the app was uninstalled or its bot token revoked. */
    sealed: text('sealed'),
    installedAt: ts('installed_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    /** Set by `app_uninstalled` / `tokens_revoked`; cleared by a new install. */
    revokedAt: ts('revoked_at'),
    /** Why delivery stopped: `app_uninstalled` or `tokens_revoked`. */
    revokedBy: text('revoked_by'),
  },
  (t) => [uniqueIndex('slack_installations_key_uq').on(t.installKey)],
);

/**
 * The workspaces (teams) of an Enterprise Grid org that have used an org-wide install, learnt
 * from the requests they send; deliveries to such a team use the org's installation.
 */
export const slackEnterpriseTeams = pgTable('slack_enterprise_teams', {
  teamId: text('team_id').primaryKey(),
  enterpriseId: text('enterprise_id').notNull(),
  seenAt: ts('seen_at').notNull(),
});
