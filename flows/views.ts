/**
 * Neutral views that every adapter renders (Slack Block Kit, Teams Adaptive Cards, the shell).
 * They carry data, not presentation; loaders here read them in one workspace only.
 */
import type { Placeholder, SQL } from 'drizzle-orm';
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, people, platformMessages } from '../db/schema';
import type { StoredMessage } from './messages';
import type { Policy } from './policy';
import { groupMembers } from './policy';
import type { Answers, Classification, RegistrationFields } from './triage/types';
import { coalesce } from './coalesce';

/** A person as shown to people. */
export interface PersonView {
  id: number;
  platformId: string;
  /** Display name, or the platform id when no name is known. */
  name: string;
  email: string | null;
}

/** One approval step. */
export interface StepView {
  id: number;
  position: number;
  role: string;
  status: 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'cancelled';
  /** Who may decide: for the owner step the owner's platform id; else the policy group's members (or the fallback person). */
  approvers: string[];
  /** The policy group deciding (null for the owner step); a person id when the policy's fallback names one person. */
  group: string | null;
  decidedBy: PersonView | null;
  decidedAt: Date | null;
  reason: string | null;
}

/** An approval request with its steps. */
export interface RequestView {
  id: number;
  systemId: number;
  /** `AI-<n>` */
  systemRef: string;
  systemName: string;
  status: 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'blocked' | 'superseded';
  submittedBy: PersonView;
  owner: PersonView;
  createdAt: Date;
  decidedAt: Date | null;
  assessmentVersion: number;
  classification: Classification;
  steps: StepView[];
  /** When the system is next due for review, as read with the request (absent where a view was built without it). */
  systemNextReviewAt?: Date | null;
}

/** The assessment in force. */
export interface AssessmentView {
  id: number;
  version: number;
  questionnaireVersion: number;
  answers: Answers;
  result: Classification;
  submittedBy: PersonView;
  createdAt: Date;
}

/** A registered AI system. */
export interface SystemView {
  id: number;
  ref: string;
  name: string;
  vendor: string;
  url: string | null;
  purpose: string;
  owner: PersonView;
  department: string;
  usageStatus: RegistrationFields['usage_status'];
  status: 'draft' | 'pending_approval' | 'approved' | 'rejected' | 'changes_requested' | 'blocked' | 'retired';
  riskClass: Classification['riskClass'] | null;
  nextReviewAt: Date | null;
  submittedBy: PersonView;
  createdAt: Date;
  assessment: AssessmentView | null;
  /** Why the system needs a re-triage under questionnaire v2 (unmappable v1 answers), or null. */
  retriageNeeded?: string | null;
  /** Untreated risks at or above `risk.acceptBelow` (approved high-risk systems; set by `show`). */
  untreatedRisks?: number;
}

/** How each risk class is named to people, in every adapter. */
export const RISK_CLASS_LABEL: Readonly<Record<Classification['riskClass'], string>> = {
  prohibited: 'prohibited (EU AI Act Art. 5)',
  high: 'high-risk',
  limited: 'limited risk (transparency duties)',
  minimal: 'minimal risk',
  out_of_scope: 'out of scope (not an AI system)',
  excluded: 'excluded from the AI Act (Art. 2)',
};

/** `AI-<n>` from the stored number. */
export function systemRef(refNumber: number): string {
  return `AI-${refNumber}`;
}

/** Parses `AI-12`, `ai-12` or `12`; null when it is not a reference. */
export function parseSystemRef(text: string): number | null {
  const m = /^\s*(?:ai-)?(\d{1,9})\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** Folds a name for duplicate detection: case, spaces and punctuation do not count. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

type PersonRow = typeof people.$inferSelect;

function personView(p: Pick<PersonRow, 'id' | 'platformId' | 'displayName' | 'email'>): PersonView {
  return { id: p.id, platformId: p.platformId, name: p.displayName ?? p.platformId, email: p.email };
}

const unknownPerson = (id: number): PersonView => ({ id, platformId: `unknown:${id}`, name: 'unknown', email: null });

/** Loads systems as views (one query per table, not per row). */
export async function loadSystemViews(db: Db, workspaceId: number, systemIds: number[]): Promise<SystemView[]> {
  if (systemIds.length === 0) return [];
  return findSystemViews(db, workspaceId, inArray(aiSystems.id, systemIds));
}

/** The people a system view names, joined under their own names. */
const ownerPerson = alias(people, 'owner_person');
const submitterPerson = alias(people, 'submitter_person');
const assessorPerson = alias(people, 'assessor_person');

/** The query behind system views: each system with its current assessment and the people both name. */
function systemViewQuery(db: Db, workspaceId: number | Placeholder, where: SQL | undefined) {
  return db
    .select({ s: aiSystems, a: assessments, owner: ownerPerson, submitter: submitterPerson, assessor: assessorPerson })
    .from(aiSystems)
    .leftJoin(assessments, and(eq(assessments.id, aiSystems.currentAssessmentId), eq(assessments.workspaceId, workspaceId)))
    .leftJoin(ownerPerson, and(eq(ownerPerson.id, aiSystems.ownerId), eq(ownerPerson.workspaceId, workspaceId)))
    .leftJoin(submitterPerson, and(eq(submitterPerson.id, aiSystems.submittedById), eq(submitterPerson.workspaceId, workspaceId)))
    .leftJoin(assessorPerson, and(eq(assessorPerson.id, assessments.submittedById), eq(assessorPerson.workspaceId, workspaceId)))
    .where(and(eq(aiSystems.workspaceId, workspaceId), where))
    .orderBy(asc(aiSystems.refNumber))
    .$dynamic();
}

type JoinedSystem = Awaited<ReturnType<typeof systemViewQuery>>[number];

/**
 * Loads the systems of a workspace that match `where` as views, by reference, at most `limit`,
 * in one query: each system with its current assessment and the people both name.
 */
export async function findSystemViews(db: Db, workspaceId: number, where: SQL | undefined, limit?: number): Promise<SystemView[]> {
  const query = systemViewQuery(db, workspaceId, where);
  return toSystemViews(limit === undefined ? await query : await query.limit(limit));
}

/** One `check` look-up. */
interface Lookup {
  ws: number;
  key: string;
  ref: number | null;
}

/** Look-up statements on their way at once per database handle, and look-ups per statement. */
const LOOKUP_LIMITS = { maxInFlight: 2, maxBatch: 200 };

function prepareLookups(db: Db) {
  const ws = sql.placeholder('ws');
  const key = sql.placeholder('key');
  return {
    byName: systemViewQuery(db, ws, eq(aiSystems.nameKey, key)).limit(1).prepare('aims_system_by_name'),
    byRefOrName: systemViewQuery(db, ws, or(eq(aiSystems.refNumber, sql.placeholder('ref')), eq(aiSystems.nameKey, key)))
      .limit(1)
      .prepare('aims_system_by_ref_or_name'),
    // Many look-ups of one workspace at once: every system any of them names, by reference.
    byAny: systemViewQuery(
      db,
      ws,
      or(sql`${aiSystems.nameKey} = any(${sql.placeholder('keys')}::text[])`, sql`${aiSystems.refNumber} = any(${sql.placeholder('refs')}::int[])`),
    ).prepare('aims_system_by_any'),
  };
}

type Lookups = ReturnType<typeof prepareLookups>;

/** The look-ups of `check`, built once per database handle (building the query costs more than running it), batched. */
const lookupBatches = new WeakMap<Db, (l: Lookup) => Promise<SystemView | null>>();

/**
 * The system whose reference number is `ref` or whose folded name is `key` (the lowest reference
 * first), or null. Every command `check`s, so under load the look-ups share statements (see
 * flows/coalesce.ts): one statement per workspace for those that arrive together.
 */
export function findSystemViewByRefOrName(db: Db, workspaceId: number, key: string, ref: number | null): Promise<SystemView | null> {
  let find = lookupBatches.get(db);
  if (!find) {
    const q = prepareLookups(db);
    find = coalesce((batch: Lookup[]) => runLookups(q, batch), LOOKUP_LIMITS);
    lookupBatches.set(db, find);
  }
  return find({ ws: workspaceId, key, ref });
}

/** One result per look-up, in order; one statement per workspace. */
async function runLookups(q: Lookups, batch: Lookup[]): Promise<Array<SystemView | null>> {
  const byWorkspace = new Map<number, number[]>();
  batch.forEach((l, i) => {
    const list = byWorkspace.get(l.ws);
    if (list) list.push(i);
    else byWorkspace.set(l.ws, [i]);
  });
  const out: Array<SystemView | null> = batch.map(() => null);
  await Promise.all(
    [...byWorkspace].map(async ([ws, indexes]) => {
      if (indexes.length === 1) {
        const { key, ref } = batch[indexes[0]!]!;
        const rows = ref === null ? await q.byName.execute({ ws, key }) : await q.byRefOrName.execute({ ws, key, ref });
        out[indexes[0]!] = toSystemViews(rows)[0] ?? null;
        return;
      }
      const list = indexes.map((i) => batch[i]!);
      const refs = list.flatMap((l) => (l.ref === null ? [] : [l.ref]));
      const rows = await q.byAny.execute({ ws, keys: [...new Set(list.map((l) => l.key))], refs: [...new Set(refs)] });
      // Rows come by reference number, one view per row: each look-up takes the first it names.
      const views = toSystemViews(rows);
      for (const i of indexes) {
        const l = batch[i]!;
        const at = rows.findIndex((r) => r.s.nameKey === l.key || (l.ref !== null && r.s.refNumber === l.ref));
        out[i] = at < 0 ? null : views[at]!;
      }
    }),
  );
  return out;
}

function toSystemViews(joined: JoinedSystem[]): SystemView[] {
  const rows = joined.map((j) => j.s);
  const byId = new Map(joined.flatMap((j) => (j.a ? [[j.a.id, j.a] as const] : [])));
  const persons = new Map(joined.flatMap((j) => [j.owner, j.submitter, j.assessor]).flatMap((p) => (p ? [[p.id, personView(p)] as const] : [])));
  const pv = (id: number) => persons.get(id) ?? unknownPerson(id);
  return rows.map((r) => {
    const a = r.currentAssessmentId !== null ? byId.get(r.currentAssessmentId) : undefined;
    return {
      id: r.id,
      ref: systemRef(r.refNumber),
      name: r.name,
      vendor: r.vendor,
      url: r.url,
      purpose: r.purpose,
      owner: pv(r.ownerId),
      department: r.department,
      usageStatus: r.usageStatus as SystemView['usageStatus'],
      status: r.status as SystemView['status'],
      riskClass: (r.riskClass as SystemView['riskClass']) ?? null,
      nextReviewAt: r.nextReviewAt,
      submittedBy: pv(r.submittedById),
      createdAt: r.createdAt,
      retriageNeeded: r.retriageNeededAt ? (r.retriageReason ?? '') : null,
      assessment: a
        ? {
            id: a.id,
            version: a.version,
            questionnaireVersion: a.questionnaireVersion,
            answers: a.answers as Answers,
            result: a.result as Classification,
            submittedBy: pv(a.submittedById),
            createdAt: a.createdAt,
          }
        : null,
    };
  });
}

/** Loads one system, or null. */
export async function loadSystemView(db: Db, workspaceId: number, systemId: number): Promise<SystemView | null> {
  return (await loadSystemViews(db, workspaceId, [systemId]))[0] ?? null;
}

/** A step as the request query aggregates it (JSON: a time is milliseconds since the epoch). */
interface StepRow {
  id: number;
  position: number;
  role: string;
  status: string;
  ownerId: number | null;
  groupName: string | null;
  decidedById: number | null;
  decidedAt: number | null;
  reason: string | null;
}

/** A person as the request query aggregates it. */
type PersonJson = Pick<PersonRow, 'id' | 'platformId' | 'displayName' | 'email'>;

/** Both drivers parse json; a driver that hands back text is parsed here. */
const jsonOf = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** A stored copy as the request query aggregates it (JSON: a time is milliseconds since the epoch). */
type CopyJson = Omit<StoredMessage, 'createdAt'> & { createdAt: number };

/**
 * Loads approval requests as views: each request with its system, assessment, steps and the
 * people they name (submitter, owner, step owners and deciders) in one statement.
 */
export async function loadRequestViews(db: Db, policy: Policy, workspaceId: number, requestIds: number[]): Promise<RequestView[]> {
  return (await requestsWithCopies(db, policy, workspaceId, requestIds, false)).map((r) => r.request);
}

/** The requests as views, each with its stored message copies (oldest first) when `withCopies`, all in one statement. */
async function requestsWithCopies(
  db: Db,
  policy: Policy,
  workspaceId: number,
  requestIds: number[],
  withCopies: boolean,
): Promise<Array<{ request: RequestView; copies: StoredMessage[] }>> {
  if (requestIds.length === 0) return [];
  const reqs = await db
    .select({
      r: approvalRequests,
      s: aiSystems,
      a: assessments,
      steps: sql<StepRow[] | string>`coalesce((
        select json_agg(json_build_object(
          'id', st.id, 'position', st.position, 'role', st.role, 'status', st.status, 'ownerId', st.owner_id,
          'groupName', st.group_name, 'decidedById', st.decided_by_id,
          'decidedAt', floor(extract(epoch from st.decided_at) * 1000), 'reason', st.reason) order by st.position)
        from ${approvalSteps} st where st.request_id = ${approvalRequests.id} and st.workspace_id = ${workspaceId}), '[]'::json)`,
      // Looked up by primary key (= any of the ids named), never by scanning the workspace's people.
      persons: sql<PersonJson[] | string>`coalesce((
        select json_agg(json_build_object('id', p.id, 'platformId', p.platform_id, 'displayName', p.display_name, 'email', p.email))
        from ${people} p
        where p.workspace_id = ${workspaceId}
          and p.id = any(array[${approvalRequests.submittedById}, ${aiSystems.ownerId}] || array(
            select unnest(array[st.owner_id, st.decided_by_id]) from ${approvalSteps} st
            where st.request_id = ${approvalRequests.id} and st.workspace_id = ${workspaceId}))), '[]'::json)`,
      copies: withCopies
        ? sql<CopyJson[] | string>`coalesce((
            select json_agg(json_build_object(
              'id', m.id, 'workspaceId', m.workspace_id, 'subjectType', m.subject_type, 'subjectId', m.subject_id,
              'platform', m.platform, 'role', m.role, 'conversationId', m.conversation_id, 'messageId', m.message_id,
              'threadId', m.thread_id, 'stepId', m.step_id, 'createdAt', floor(extract(epoch from m.created_at) * 1000)) order by m.id)
            from ${platformMessages} m
            where m.workspace_id = ${workspaceId} and m.subject_type = 'approval_request' and m.subject_id = ${approvalRequests.id}), '[]'::json)`
        : sql<CopyJson[] | string>`'[]'::json`,
    })
    .from(approvalRequests)
    .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
    .innerJoin(assessments, eq(assessments.id, approvalRequests.assessmentId))
    .where(and(eq(approvalRequests.workspaceId, workspaceId), inArray(approvalRequests.id, requestIds)))
    .orderBy(desc(approvalRequests.id));
  const stepsOf = new Map(reqs.map(({ r, steps }) => [r.id, jsonOf(steps)]));
  const persons = new Map<number, PersonView>();
  for (const { persons: list } of reqs) {
    for (const p of jsonOf(list)) persons.set(p.id, personView(p));
  }
  const pv = (id: number) => persons.get(id) ?? unknownPerson(id);
  return reqs.map(({ r, s, a, copies }) => ({
    copies: jsonOf(copies).map((c) => ({ ...c, createdAt: new Date(Number(c.createdAt)) })),
    request: requestView(r, s, a),
  }));

  function requestView(r: typeof approvalRequests.$inferSelect, s: typeof aiSystems.$inferSelect, a: typeof assessments.$inferSelect): RequestView {
    return {
      id: r.id,
      systemId: s.id,
      systemRef: systemRef(s.refNumber),
      systemName: s.name,
      status: r.status as RequestView['status'],
      submittedBy: pv(r.submittedById),
      owner: pv(s.ownerId),
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
      assessmentVersion: a.version,
      classification: a.result as Classification,
      systemNextReviewAt: s.nextReviewAt,
      steps: (stepsOf.get(r.id) ?? []).map((st) => ({
        id: st.id,
        position: st.position,
        role: st.role,
        status: st.status as StepView['status'],
        approvers: st.ownerId !== null ? [pv(st.ownerId).platformId] : [...groupMembers(policy, st.groupName)],
        group: st.groupName,
        decidedBy: st.decidedById !== null ? pv(st.decidedById) : null,
        decidedAt: st.decidedAt !== null ? new Date(Number(st.decidedAt)) : null,
        reason: st.reason,
      })),
    };
  }
}

/**
 * Loads one request with its stored message copies (oldest first) in one statement, or null:
 * what a deliverer rendering a request's messages reads.
 */
export async function loadRequestViewWithCopies(
  db: Db,
  policy: Policy,
  workspaceId: number,
  requestId: number,
): Promise<{ request: RequestView; copies: StoredMessage[] } | null> {
  return (await requestsWithCopies(db, policy, workspaceId, [requestId], true))[0] ?? null;
}

/** Loads one request, or null. */
export async function loadRequestView(db: Db, policy: Policy, workspaceId: number, requestId: number): Promise<RequestView | null> {
  return (await loadRequestViews(db, policy, workspaceId, [requestId]))[0] ?? null;
}
