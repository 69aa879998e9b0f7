/**
 * Cross-platform parity: the records a scenario leaves in Postgres, without ids, platform ids and
 * times, and the reference scenario run through the shell (register a high-risk tool owned by
 * bob, then the owner, compliance and privacy approve it).
 */
import { asc } from 'drizzle-orm';
import { runShell } from '../../adapters/shell/session';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, auditEvents, people } from '../../db/schema';
import { parsePolicy } from '../../flows';
import { isAsked, questionnaire } from '../../flows/triage/questionnaire';
import type { Answers } from '../../flows/triage/types';
import { fieldsFor } from '../fixtures/answers';
import { testClock } from './clock';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';

/** The tool the parity scenario registers. */
export const PARITY_NAME = 'Parity Screener';

/** The shell transcript of the scenario: register, then owner, compliance and privacy approve. */
export function shellLines(answers: Answers): string[] {
  const f = fieldsFor(PARITY_NAME, 'bob') as Record<string, string>;
  const lines = ['/aims register', ...questionnaire.fields.map((q) => f[q.id] ?? '')];
  const so: Answers = {};
  for (const q of questionnaire.questions) {
    if (!isAsked(q.id, so)) continue;
    const v = answers[q.id];
    if (v === undefined) {
      lines.push('');
      continue;
    }
    so[q.id] = v;
    lines.push(Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v);
  }
  return [...lines, '/as bob', '/aims approve AI-1', '/as compliance', '/aims approve AI-1', '/as privacy', '/aims approve AI-1'];
}

/**
 * Names people by the order they first play a part (submitter, owner, deciders, audit actors):
 * `person 1`, `person 2`, … Platform ids differ between adapters; who did what must not.
 */
function personLabels(everyone: Array<{ id: number; platformId: string }>) {
  const platformIdOf = new Map(everyone.map((p) => [p.id, p.platformId]));
  const labels = new Map<string, string>();
  const byPlatformId = (platformId: string): string => {
    if (platformId === 'system') return platformId;
    if (!labels.has(platformId)) labels.set(platformId, `person ${labels.size + 1}`);
    return labels.get(platformId)!;
  };
  return {
    byPlatformId,
    byId: (id: number | null): string | null => (id === null ? null : byPlatformId(platformIdOf.get(id) ?? `unknown person ${id}`)),
    /** `value` with every platform id of a person in it replaced by their label, and times by `<time>`. */
    inJson: (value: unknown): unknown => {
      // Times are ignored: not every harness runs on the test clock.
      let text = JSON.stringify(value).replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"/g, '"<time>"');
      for (const p of everyone) if (text.includes(`"${p.platformId}"`)) text = text.split(`"${p.platformId}"`).join(`"${byPlatformId(p.platformId)}"`);
      return JSON.parse(text) as unknown;
    },
  };
}

/**
 * What the comparison looks at: systems, assessments, requests, steps and the audit trail, with
 * people named by the part they play (so an owner stored as the submitter shows up) and their
 * platform ids inside audit data replaced the same way.
 */
export async function records(db: Db) {
  const systems = await db.select().from(aiSystems).orderBy(asc(aiSystems.refNumber));
  const assess = await db.select().from(assessments).orderBy(asc(assessments.id));
  const requests = await db.select().from(approvalRequests).orderBy(asc(approvalRequests.id));
  const steps = await db.select().from(approvalSteps).orderBy(asc(approvalSteps.requestId), asc(approvalSteps.position));
  const audit = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  const who = personLabels(await db.select({ id: people.id, platformId: people.platformId }).from(people).orderBy(asc(people.id)));
  return {
    systems: systems.map((s) => ({
      ref: s.refNumber, name: s.name, vendor: s.vendor, url: s.url, purpose: s.purpose, department: s.department, usage: s.usageStatus,
      status: s.status, riskClass: s.riskClass, reviewDue: s.nextReviewAt !== null, submittedBy: who.byId(s.submittedById), owner: who.byId(s.ownerId),
    })),
    assessments: assess.map((a) => ({ version: a.version, questionnaireVersion: a.questionnaireVersion, answers: a.answers, result: a.result })),
    requests: requests.map((r) => ({ status: r.status, decided: r.decidedAt !== null, submittedBy: who.byId(r.submittedById) })),
    steps: steps.map((s) => ({
      position: s.position, role: s.role, group: s.groupName, status: s.status, reason: s.reason, decided: s.decidedById !== null,
      stepOwner: who.byId(s.ownerId), decidedBy: who.byId(s.decidedById),
    })),
    audit: audit.map((a) => ({ seq: a.seq, action: a.action, subjectType: a.subjectType, actor: who.byPlatformId(a.actor), data: who.inJson(withoutDates(a.data)) })),
  };
}

/** Audit data without the due dates of tasks: they count from the day each side ran, like the times left out. */
function withoutDates(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !('dueDate' in data)) return data;
  const { dueDate: _dueDate, ...rest } = data as Record<string, unknown>;
  return rest;
}

/** The records in comparable form. */
export type Records = Awaited<ReturnType<typeof records>>;

/** Runs the scenario through the shell on a fresh Postgres database; returns its records and transcript. */
export async function shellRecords(answers: Answers): Promise<{ records: Records; transcript: string; database: TestDatabase }> {
  const database = await createTestDatabase('postgres');
  const policy = parsePolicy({ groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'], security: ['shell:security'] } });
  const queue = shellLines(answers);
  const out: string[] = [];
  await runShell({
    deps: { db: database.db, policy, clock: testClock() },
    lines: { next: async () => queue.shift() ?? null, close: () => {} },
    print: (t) => void out.push(t),
    echo: false,
    speaker: 'alice',
  });
  return { records: await records(database.db), transcript: out.join('\n'), database };
}
