/**
 * The same scenario through signed Slack requests and through the shell leaves the same records
 * in Postgres (ignoring ids, platform ids and times): systems, assessments, requests, steps and
 * audit actions. In Slack alice registers through the modal pages and each approver clicks
 * Approve on their step's reply in the approvals thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { approvalRequests } from '../../db/schema';
import { messagesOf } from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { PARITY_NAME, records, shellRecords } from '../helpers/parity';
import { clickStep, registerTool } from '../helpers/slack-flows';
import { startSlackServer, USERS } from '../helpers/slack-server';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('Slack and shell give the same records (Postgres)', () => {
  it('registers and approves the same system with the same rows', async () => {
    const shell = await shellRecords(highAnswers);
    cleanup.push(() => shell.database.destroy());

    const s = await startSlackServer({ db: 'postgres' });
    cleanup.push(() => s.close());
    const { last } = await registerTool(s, USERS.alice.id, fieldsFor(PARITY_NAME, `slack:${USERS.bob.id}`), highAnswers);
    expect(JSON.stringify(last)).toContain('high-risk');
    const [request] = await s.deps.db.select().from(approvalRequests);
    const copies = await messagesOf(s.deps.db, request!.workspaceId, 'approval_request', request!.id);
    const steps = copies.filter((c) => c.role === 'step').sort((a, b) => a.stepId! - b.stepId!);
    expect(steps).toHaveLength(3);
    for (const [i, user] of [USERS.bob.id, USERS.carol.id, USERS.dpo.id].entries()) {
      const copy = steps[i]!;
      await clickStep(s, user, 'approval.approve', { id: copy.stepId!, copy });
    }

    const viaShell = shell.records;
    const viaSlack = await records(s.deps.db);
    expect(viaShell.systems[0]?.status, shell.transcript).toBe('approved');
    expect(viaShell.steps).toHaveLength(3);
    expect(viaShell.audit.length).toBeGreaterThan(6);
    expect(viaSlack).toEqual(viaShell);
  });
});
