/**
 * The same scenario through Teams and through the shell leaves the same records in Postgres
 * (ignoring ids, platform ids and times): systems, assessments, requests, steps, audit actions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { runShell } from '../../adapters/shell/session';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, auditEvents } from '../../db/schema';
import { parsePolicy } from '../../flows';
import { isAsked, questionnaire } from '../../flows/triage/questionnaire';
import type { Answers } from '../../flows/triage/types';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, formValues, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const NAME = 'Parity Screener';

/** The shell transcript of the scenario: register, then owner, compliance and privacy approve. */
function shellLines(answers: Answers): string[] {
  const f = fieldsFor(NAME, 'bob') as Record<string, string>;
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

async function records(db: Db) {
  const systems = await db.select().from(aiSystems).orderBy(asc(aiSystems.refNumber));
  const assess = await db.select().from(assessments).orderBy(asc(assessments.id));
  const requests = await db.select().from(approvalRequests).orderBy(asc(approvalRequests.id));
  const steps = await db.select().from(approvalSteps).orderBy(asc(approvalSteps.requestId), asc(approvalSteps.position));
  const audit = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  return {
    systems: systems.map((s) => ({ ref: s.refNumber, name: s.name, vendor: s.vendor, url: s.url, purpose: s.purpose, department: s.department, usage: s.usageStatus, status: s.status, riskClass: s.riskClass, reviewDue: s.nextReviewAt !== null })),
    assessments: assess.map((a) => ({ version: a.version, questionnaireVersion: a.questionnaireVersion, answers: a.answers, result: a.result })),
    requests: requests.map((r) => ({ status: r.status, decided: r.decidedAt !== null })),
    steps: steps.map((s) => ({ position: s.position, role: s.role, group: s.groupName, status: s.status, reason: s.reason, decided: s.decidedById !== null })),
    audit: audit.map((a) => ({ seq: a.seq, action: a.action, subjectType: a.subjectType })),
  };
}

describe('Teams and shell give the same records (Postgres)', () => {
  it('registers and approves the same system with the same rows', async () => {
    // Through the shell.
    const shellDb: TestDatabase = await createTestDatabase('postgres');
    cleanup.push(() => shellDb.destroy());
    const shellPolicy = parsePolicy({ groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'], security: ['shell:security'] } });
    const queue = shellLines(highAnswers);
    const out: string[] = [];
    await runShell({
      deps: { db: shellDb.db, policy: shellPolicy, clock: testClock() },
      lines: { next: async () => queue.shift() ?? null, close: () => {} },
      print: (t) => void out.push(t),
      echo: false,
      speaker: 'alice',
    });

    // Through Teams.
    const bench: TeamsBench = await startTeamsBench('postgres', teamsPolicy());
    cleanup.push(() => bench.close());
    await bench.installChannel();
    const first = await bench.say(people.alice, 'register');
    await bench.fillForm(people.alice, first, formValues(fieldsFor(NAME, people.bob.aad), highAnswers));
    await bench.drain();
    for (const u of [people.bob, people.compliance, people.dpo]) {
      const pending = await bench.say(u, 'pending');
      const open = buttons(pending).find((b) => b.data.action === 'approval.open')!;
      const card = await bench.execute(u, open.data, { channel: true });
      await bench.execute(u, buttons(card).find((b) => b.data.action === 'approval.approve')!.data, { channel: true });
      await bench.drain();
    }

    const viaShell = await records(shellDb.db);
    const viaTeams = await records(bench.db.db);
    expect(viaShell.systems[0]?.status, out.join('\n')).toBe('approved');
    expect(viaShell.steps).toHaveLength(3);
    expect(viaShell.audit.length).toBeGreaterThan(6);
    expect(viaTeams).toEqual(viaShell);
  });
});
