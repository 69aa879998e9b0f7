/**
 * Finding the hidden AI and knowing the AI policy (spec/aims.md): survey campaigns (AI use,
 * policy acknowledgement, literacy) and who was asked and answered, tools found by surveys and
 * channel discovery, the nudges sent about them, policy acknowledgements and literacy
 * attestations. Every table is workspace-scoped.
 */
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { aiSystems, people } from './schema';
import { id, personRef, ts, workspaceId } from './columns';

/** A campaign (`S-2026-Q4`): one question to an audience, one message per person. */
export const surveys = pgTable(
  'surveys',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** `S-2026-Q4`; a second campaign of a quarter gets `S-2026-Q4-2`. */
    ref: text('ref').notNull(),
    /** ai_use | policy_ack | literacy */
    kind: text('kind').notNull(),
    /** The audience as resolved from the policy when the campaign started (people and channels). */
    audience: jsonb('audience').$type<Record<string, unknown>>().notNull(),
    /** For `policy_ack`: the AI policy version to acknowledge. */
    policyVersion: integer('policy_version'),
    /** The period asked about (ai_use), `YYYY-MM-DD`..`YYYY-MM-DD`, when there is one. */
    periodStart: text('period_start'),
    periodEnd: text('period_end'),
    opensAt: ts('opens_at').notNull(),
    closesAt: ts('closes_at').notNull(),
    /** When the single reminder round ran. */
    remindedAt: ts('reminded_at'),
    startedById: personRef('started_by_id'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('surveys_workspace_ref_uq').on(t.workspaceId, t.ref), index('surveys_workspace_kind_idx').on(t.workspaceId, t.kind, t.opensAt)],
);

/** One person asked in a campaign: at most one question and one reminder each. */
export const surveyRecipients = pgTable(
  'survey_recipients',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    workspaceId: workspaceId(),
    /** When the question was queued in the outbox. */
    askedAt: ts('asked_at'),
    remindedAt: ts('reminded_at'),
    /** The answer: e.g. `{ tools: ['chatgpt'], other: ['Foo AI'], none: false }`. */
    answer: jsonb('answer').$type<Record<string, unknown>>(),
    respondedAt: ts('responded_at'),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.personId] }), index('survey_recipients_workspace_person_idx').on(t.workspaceId, t.personId)],
);

/**
 * A tool someone uses that is not (yet) in the inventory, found by a survey answer or by channel
 * discovery: one row per workspace and tool (`tool_key` = catalog id, or `name:<folded name>`).
 */
export const discoveredTools = pgTable(
  'discovered_tools',
  {
    id: id(),
    workspaceId: workspaceId(),
    toolKey: text('tool_key').notNull(),
    /** The catalog entry, when the tool is in the catalog. */
    catalogId: text('catalog_id'),
    /** The name as first given. */
    name: text('name').notNull(),
    /** survey | channel */
    firstSource: text('first_source').notNull(),
    firstReportedById: personRef('first_reported_by_id'),
    /** How many distinct people named it. */
    reporters: integer('reporters').notNull().default(1),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    /** Set when the tool was registered (then it is no longer "unregistered"). */
    registeredSystemId: integer('registered_system_id').references(() => aiSystems.id),
    registeredAt: ts('registered_at'),
  },
  (t) => [uniqueIndex('discovered_tools_workspace_key_uq').on(t.workspaceId, t.toolKey)],
);

/** The last private nudge to a person about a tool seen in a channel (at most one per 30 days). */
export const discoveryNudges = pgTable(
  'discovery_nudges',
  {
    workspaceId: workspaceId(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    toolKey: text('tool_key').notNull(),
    /** Platform channel id where the tool was mentioned (nothing of the message is kept). */
    channel: text('channel').notNull(),
    sentAt: ts('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.personId, t.toolKey] })],
);

/** A person's acknowledgement of a version of the AI policy. */
export const policyAcks = pgTable(
  'policy_acks',
  {
    workspaceId: workspaceId(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    version: integer('version').notNull(),
    acknowledgedAt: ts('acknowledged_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.personId, t.version] })],
);

/** A person's attestation of completed AI literacy training. */
export const literacyAttestations = pgTable(
  'literacy_attestations',
  {
    id: id(),
    workspaceId: workspaceId(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    /** URL or note (certificate, course record). */
    evidence: text('evidence').notNull(),
    attestedAt: ts('attested_at').notNull(),
  },
  (t) => [index('literacy_attestations_workspace_person_idx').on(t.workspaceId, t.personId, t.attestedAt)],
);
