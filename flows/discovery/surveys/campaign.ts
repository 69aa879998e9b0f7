/**
 * Survey campaigns (spec/aims.md, object `survey`): an AI-use survey, a policy acknowledgement or
 * a literacy round asked of an audience, one direct message per person.
 *
 * Starting a campaign writes the `surveys` row and one `survey.start` notification. The platform
 * deliverer of that notification resolves the audience through its {@link AudienceDirectory}
 * (flows never talk to a platform) and calls {@link enrollAudience}, which records one
 * `survey_recipients` row per person (the primary key dedupes) and writes one `survey.ask` per
 * person whose dedupe key is the campaign and the person, so a job run twice, two workers racing
 * or a redelivered `survey.start` still ask each person once.
 *
 * Notification kinds (payloads below; every payload has a plain `text`):
 * - `survey.start` {surveyId, ref, kind} → {channel: 'digest'}: resolve the audience and enrol it;
 *   nothing is posted.
 * - `survey.ask` {@link SurveyAskPayload} → {person}: the question in a direct message.
 * - `survey.reminder` {@link SurveyAskPayload} → {person}: the single reminder.
 */
import { and, desc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { aiSystems, approvalRequests, approvalSteps, people } from '../../../db/schema';
import { surveyRecipients, surveys } from '../../../db/schema-discovery';
import { appendAudit, auditedTransaction } from '../../audit';
import type { NotificationInput } from '../../outbox';
import { enqueue, enqueueMany } from '../../outbox';
import type { FlowDeps, Person } from '../../ports';
import { lockWorkspace } from '../../refs';
import { DAY_MS, localDate, nextAllowedTime } from '../../jobs/time';
import { catalog } from '../catalog';
import type { AudienceMember } from './audience';
import type { SurveyKind } from './refs';
import { nextSurveyRef, quarterRef } from './refs';

/** A stored campaign. */
export type SurveyRow = typeof surveys.$inferSelect;

/** A catalog choice offered by the AI-use survey. */
export interface SurveyChoice {
  /** Catalog id, or `none`. */
  id: string;
  name: string;
}

/** Payload of `survey.ask` and `survey.reminder`: what the direct message shows. */
export interface SurveyAskPayload {
  [key: string]: unknown;
  surveyId: number;
  /** `S-2026-Q4` */
  ref: string;
  kind: SurveyKind;
  reminder: boolean;
  /** `YYYY-MM-DD`: answers are taken until then. */
  closesOn: string;
  /** ai_use: the period asked about. */
  period: { start: string; end: string } | null;
  /** policy_ack: the version to acknowledge, its link and summary. */
  policy: { version: number; url: string; summary: string } | null;
  text: string;
}

/** The survey's choices: "none" first, then the catalog by name. */
export function surveyChoices(): SurveyChoice[] {
  const tools = [...catalog().tools].sort((a, b) => a.name.localeCompare(b.name)).map((t) => ({ id: t.id, name: t.name }));
  return [{ id: 'none', name: 'None: I used no AI tools for work' }, ...tools];
}

/** What starting a campaign needs besides the kind. */
export interface StartOptions {
  workspaceId: number;
  kind: SurveyKind;
  /** The "as of" time the campaign opens. */
  now: Date;
  /** The wall clock for the audit event (default `now`). */
  auditAt?: Date | undefined;
  /** The person who started it (the `survey` command), or null for a job. */
  startedBy?: { id: number; platformId: string } | null | undefined;
  /**
   * Start only when this returns true, decided under the workspace lock (a job's "no campaign
   * yet in this period" check), so two runs at once start one campaign.
   */
  onlyIf?: ((tx: Db) => Promise<boolean>) | undefined;
}

/** Starts a campaign: the survey row, its `survey.start` notification and the audit event. Null when `onlyIf` said no. */
export async function startCampaign(deps: Pick<FlowDeps, 'db' | 'policy'>, o: StartOptions): Promise<SurveyRow | null> {
  const { policy } = deps;
  const tz = policy.organization.timezone;
  return auditedTransaction(deps.db, async (tx) => {
    await lockWorkspace(tx, o.workspaceId);
    if (o.onlyIf && !(await o.onlyIf(tx))) return null;
    const base = quarterRef(o.now, tz);
    const taken = await tx.select({ ref: surveys.ref }).from(surveys).where(and(eq(surveys.workspaceId, o.workspaceId), like(surveys.ref, `${base}%`)));
    const ref = nextSurveyRef(base, taken.map((t) => t.ref));
    const policyVersion = o.kind === 'policy_ack' ? (policy.aiPolicy?.version ?? null) : null;
    const [previous] = await tx
      .select({ opensAt: surveys.opensAt })
      .from(surveys)
      .where(and(eq(surveys.workspaceId, o.workspaceId), eq(surveys.kind, 'ai_use')))
      .orderBy(desc(surveys.opensAt))
      .limit(1);
    const periodStart = o.kind === 'ai_use' ? localDate(previous?.opensAt ?? new Date(o.now.getTime() - 91 * DAY_MS), tz) : null;
    const [row] = await tx
      .insert(surveys)
      .values({
        workspaceId: o.workspaceId,
        ref,
        kind: o.kind,
        audience: { entries: policy.discovery.audience ?? null, resolved: false },
        policyVersion,
        periodStart,
        periodEnd: o.kind === 'ai_use' ? localDate(o.now, tz) : null,
        opensAt: o.now,
        closesAt: new Date(o.now.getTime() + policy.discovery.openDays * DAY_MS),
        startedById: o.startedBy?.id ?? null,
        createdAt: o.auditAt ?? o.now,
      })
      .returning();
    await enqueue(tx, {
      workspaceId: o.workspaceId,
      dedupeKey: `survey.start:${row!.id}`,
      kind: 'survey.start',
      recipient: { channel: 'digest' },
      payload: { surveyId: row!.id, ref, kind: o.kind, text: `Campaign ${ref} started.` },
      notBefore: o.now,
    });
    await appendAudit(tx, {
      workspaceId: o.workspaceId,
      actor: o.startedBy?.platformId ?? 'system',
      action: 'survey.started',
      subjectType: 'survey',
      subjectId: ref,
      data: { kind: o.kind, policyVersion, audience: policy.discovery.audience ?? 'everyone', closesAt: row!.closesAt.toISOString() },
      at: o.auditAt ?? o.now,
    });
    return row!;
  });
}

/** The campaign of a workspace by id. */
export async function surveyById(db: Db, workspaceId: number, surveyId: number): Promise<SurveyRow | null> {
  const [row] = await db.select().from(surveys).where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, surveyId)));
  return row ?? null;
}

/** The text and facts of the question (or its reminder) of a campaign. */
export function askPayload(deps: Pick<FlowDeps, 'policy'>, s: SurveyRow, reminder: boolean): SurveyAskPayload {
  const tz = deps.policy.organization.timezone;
  const closesOn = localDate(s.closesAt, tz);
  const ai = deps.policy.aiPolicy;
  const policy = s.kind === 'policy_ack' && ai && s.policyVersion !== null ? { version: s.policyVersion, url: ai.url, summary: ai.summary } : null;
  const period = s.periodStart && s.periodEnd ? { start: s.periodStart, end: s.periodEnd } : null;
  const lead = reminder ? 'Reminder: ' : '';
  const text =
    s.kind === 'ai_use'
      ? `${lead}Which AI tools did you use for work${period ? ` from ${period.start} to ${period.end}` : ''}? Pick them from the list, name others, or answer "none" (survey ${s.ref}, open until ${closesOn}).`
      : s.kind === 'policy_ack'
        ? `${lead}Please read the AI policy${policy ? ` (version ${policy.version})` : ''} and acknowledge it (${s.ref}, open until ${closesOn}).`
        : `${lead}Please confirm your AI literacy training with a link or a note as evidence (${s.ref}, open until ${closesOn}).`;
  return { surveyId: s.id, ref: s.ref, kind: s.kind as SurveyKind, reminder, closesOn, period, policy, text };
}

/**
 * For a literacy campaign: the people asked first, owners of high-risk systems and those who
 * approved them. Others keep their order after them.
 */
async function firstAsked(db: Db, workspaceId: number): Promise<Set<number>> {
  const owners = await db
    .select({ id: aiSystems.ownerId })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.riskClass, 'high'), sql`${aiSystems.status} not in ('retired', 'rejected')`));
  const approvers = await db
    .select({ id: approvalSteps.decidedById })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
    .where(and(eq(approvalSteps.workspaceId, workspaceId), eq(aiSystems.riskClass, 'high'), eq(approvalSteps.status, 'approved')));
  return new Set([...owners, ...approvers].map((r) => r.id).filter((id): id is number => id !== null));
}

/** People per statement when an audience is recorded (a few parameters each, far below Postgres' limit). */
const PEOPLE_CHUNK = 1000;

/**
 * The person rows of an audience, created where new (set-based: an audience can be a whole
 * organisation). Names and emails of people already known are left as they are; the next
 * request of that person refreshes them.
 */
async function peopleOf(db: Db, workspaceId: number, members: readonly AudienceMember[], now: Date): Promise<Person[]> {
  const unique = [...new Map(members.map((m) => [m.platformId, m])).values()];
  const byId = new Map<string, Person>();
  for (let i = 0; i < unique.length; i += PEOPLE_CHUNK) {
    const chunk = unique.slice(i, i + PEOPLE_CHUNK);
    await db
      .insert(people)
      .values(chunk.map((m) => ({ workspaceId, platformId: m.platformId, displayName: m.displayName?.trim() || null, email: m.email?.trim().toLowerCase() || null, createdAt: now })))
      .onConflictDoNothing({ target: [people.workspaceId, people.platformId] });
    const rows = await db
      .select({ id: people.id, platformId: people.platformId, displayName: people.displayName, email: people.email })
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), inArray(people.platformId, chunk.map((m) => m.platformId))));
    for (const r of rows) byId.set(r.platformId, r);
  }
  // In the order met, which decides who is asked first.
  return unique.map((m) => byId.get(m.platformId)).filter((p): p is Person => p !== undefined);
}

/** What enrolling an audience did. */
export interface EnrollResult {
  /** People newly asked (0 when a redelivery found them all enrolled). */
  asked: number;
  /** People in the audience. */
  audience: number;
}

/**
 * Records the resolved audience of a campaign and writes one `survey.ask` per new recipient,
 * paced by the outbox and held for quiet hours. Literacy campaigns ask high-risk owners and
 * approvers first (their questions are written first, so delivered first).
 */
export async function enrollAudience(deps: FlowDeps, survey: SurveyRow, members: readonly AudienceMember[], skipped: readonly string[] = []): Promise<EnrollResult> {
  const now = deps.clock.now();
  const persons = await peopleOf(deps.db, survey.workspaceId, members, now);
  if (survey.kind === 'literacy') {
    const first = await firstAsked(deps.db, survey.workspaceId);
    persons.sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)));
  }
  const notBefore = nextAllowedTime(deps.policy, now);
  return auditedTransaction(deps.db, async (tx) => {
    const ids = [...new Set(persons.map((p) => p.id))];
    const inserted = ids.length
      ? await tx
          .insert(surveyRecipients)
          .values(ids.map((personId) => ({ surveyId: survey.id, personId, workspaceId: survey.workspaceId, askedAt: now })))
          .onConflictDoNothing()
          .returning({ personId: surveyRecipients.personId })
      : [];
    const fresh = new Set(inserted.map((r) => r.personId));
    const payload = askPayload(deps, survey, false);
    const list: NotificationInput[] = ids
      .filter((id) => fresh.has(id))
      .map((personId) => ({
        workspaceId: survey.workspaceId,
        dedupeKey: `survey.ask:${survey.id}:${personId}`,
        kind: 'survey.ask',
        recipient: { person: personId },
        payload,
        notBefore,
      }));
    await enqueueMany(tx, list);
    await tx
      .update(surveys)
      .set({ audience: { entries: deps.policy.discovery.audience ?? null, resolved: true, people: ids.length, skipped: [...skipped] } })
      .where(eq(surveys.id, survey.id));
    if (list.length > 0) {
      await appendAudit(tx, {
        workspaceId: survey.workspaceId,
        actor: 'system',
        action: 'survey.audience_asked',
        subjectType: 'survey',
        subjectId: survey.ref,
        data: { asked: list.length, audience: ids.length, skipped: [...skipped] },
        at: now,
      });
    }
    return { asked: list.length, audience: ids.length };
  });
}

/** The platform ids of a campaign's recipients (tests, exports). */
export async function recipientIds(db: Db, surveyId: number): Promise<string[]> {
  const rows = await db
    .select({ platformId: people.platformId })
    .from(surveyRecipients)
    .innerJoin(people, eq(people.id, surveyRecipients.personId))
    .where(inArray(surveyRecipients.surveyId, [surveyId]));
  return rows.map((r) => r.platformId).sort();
}

/** Whether a person still owes a campaign an answer (false when answered, or not asked). */
export async function surveyAwaits(db: Db, workspaceId: number, surveyId: number, personId: number): Promise<boolean> {
  const [r] = await db
    .select({ respondedAt: surveyRecipients.respondedAt })
    .from(surveyRecipients)
    .where(and(eq(surveyRecipients.workspaceId, workspaceId), eq(surveyRecipients.surveyId, surveyId), eq(surveyRecipients.personId, personId)));
  return r !== undefined && r.respondedAt === null;
}

/** The `discovery.register` value of a tool an answer named: `{"tool":"<catalog id>"}` or `{"name":"<free text>"}`. */
export function registerValue(t: { tool: string | null; name: string }): string {
  return JSON.stringify(t.tool ? { tool: t.tool } : { name: t.name });
}
