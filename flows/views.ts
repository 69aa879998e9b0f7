/**
 * Neutral views that every adapter renders (Slack Block Kit, Teams Adaptive Cards, the shell).
 * They carry data, not presentation; loaders here read them in one workspace only.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, people } from '../db/schema';
import type { Policy } from './policy';
import { groupMembers } from './policy';
import type { Answers, Classification, RegistrationFields } from './triage/types';

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

function personView(p: PersonRow): PersonView {
  return { id: p.id, platformId: p.platformId, name: p.displayName ?? p.platformId, email: p.email };
}

async function peopleById(db: Db, workspaceId: number, ids: Array<number | null>): Promise<Map<number, PersonView>> {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select()
    .from(people)
    .where(and(eq(people.workspaceId, workspaceId), inArray(people.id, wanted)));
  return new Map(rows.map((r) => [r.id, personView(r)]));
}

const unknownPerson = (id: number): PersonView => ({ id, platformId: `unknown:${id}`, name: 'unknown', email: null });

/** Loads systems as views (one query per table, not per row). */
export async function loadSystemViews(db: Db, workspaceId: number, systemIds: number[]): Promise<SystemView[]> {
  if (systemIds.length === 0) return [];
  const rows = await db
    .select()
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.id, systemIds)))
    .orderBy(asc(aiSystems.refNumber));
  const assessmentIds = rows.map((r) => r.currentAssessmentId).filter((x): x is number => x !== null);
  const aRows = assessmentIds.length
    ? await db
        .select()
        .from(assessments)
        .where(and(eq(assessments.workspaceId, workspaceId), inArray(assessments.id, assessmentIds)))
    : [];
  const byId = new Map(aRows.map((a) => [a.id, a]));
  const persons = await peopleById(db, workspaceId, [
    ...rows.flatMap((r) => [r.ownerId, r.submittedById]),
    ...aRows.map((a) => a.submittedById),
  ]);
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

/** Loads approval requests as views. */
export async function loadRequestViews(db: Db, policy: Policy, workspaceId: number, requestIds: number[]): Promise<RequestView[]> {
  if (requestIds.length === 0) return [];
  const reqs = await db
    .select({ r: approvalRequests, s: aiSystems, a: assessments })
    .from(approvalRequests)
    .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
    .innerJoin(assessments, eq(assessments.id, approvalRequests.assessmentId))
    .where(and(eq(approvalRequests.workspaceId, workspaceId), inArray(approvalRequests.id, requestIds)))
    .orderBy(desc(approvalRequests.id));
  const steps = await db
    .select()
    .from(approvalSteps)
    .where(and(eq(approvalSteps.workspaceId, workspaceId), inArray(approvalSteps.requestId, requestIds)))
    .orderBy(asc(approvalSteps.position));
  const persons = await peopleById(db, workspaceId, [
    ...reqs.flatMap(({ r, s }) => [r.submittedById, s.ownerId]),
    ...steps.flatMap((st) => [st.decidedById, st.ownerId]),
  ]);
  const pv = (id: number) => persons.get(id) ?? unknownPerson(id);
  return reqs.map(({ r, s, a }) => ({
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
    steps: steps
      .filter((st) => st.requestId === r.id)
      .map((st) => ({
        id: st.id,
        position: st.position,
        role: st.role,
        status: st.status as StepView['status'],
        approvers: st.ownerId !== null ? [pv(st.ownerId).platformId] : [...groupMembers(policy, st.groupName)],
        group: st.groupName,
        decidedBy: st.decidedById !== null ? pv(st.decidedById) : null,
        decidedAt: st.decidedAt,
        reason: st.reason,
      })),
  }));
}

/** Loads one request, or null. */
export async function loadRequestView(db: Db, policy: Policy, workspaceId: number, requestId: number): Promise<RequestView | null> {
  return (await loadRequestViews(db, policy, workspaceId, [requestId]))[0] ?? null;
}
