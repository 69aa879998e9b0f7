/**
 * Every modal other than the registration form gets the same 3-second promise (view-deadline.ts):
 * a reason given to reject a step, whose decision waits behind a lock another connection holds
 * on the workspace row for 4 s, is answered in time with "working on it"; the modal then says the
 * work is finished, the step is rejected once, and a second, racing submission of the same
 * modal changes nothing more.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { aiSystems, approvalSteps, auditEvents } from '../../db/schema';
import { VIEW_ANSWER_MS } from '../../adapters/slack/view-deadline';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { viewSubmission, fillView } from '../helpers/slack-requests';
import { clickStep, lastOpenedView, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = { callback_id: string; private_metadata: string; blocks: unknown[]; title: { text: string } };

async function until<T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Slack: a slow modal is answered within 3 seconds', () => {
  let s: SlackTestServer;
  let other: postgres.Sql;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
    other = postgres(s.database.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await other?.end();
    await s?.close();
  });

  it('says "working on it" in time for a reason modal, then "finished", and the step is rejected once', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Slow Reject', 'slack:U0BOB'), highAnswers);
    const compliance = seeded.steps.find((st) => st.role === 'compliance')!;
    await clickStep(s, USERS.carol.id, 'approval.reject', compliance);
    const modal = lastOpenedView(s) as View;
    expect(modal.callback_id).toBe('approval.reason');

    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    const holding = other.begin(async (tx) => {
      await tx`select 1 from workspaces where id = ${seeded.workspaceId} for update`;
      locked();
      await tx`select pg_sleep(4)`;
    });
    await taken;
    s.fake.reset();
    const t0 = performance.now();
    const body = () => viewSubmission({ user: USERS.carol.id, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values: fillView(modal, { reason: 'No DPA *yet*' }), blocks: modal.blocks });
    // Submitted twice at once (two payloads, as a double click sends).
    const [res, again] = await Promise.all([s.send(body()), s.send(body())]);
    const took = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(again.status).toBe(200);
    expect(took).toBeLessThan(3_000);
    expect(took).toBeGreaterThanOrEqual(VIEW_ANSWER_MS - 50);
    const answer = JSON.parse(await res.text()) as { response_action: string; view: View };
    expect(answer.response_action).toBe('update');
    expect(answer.view.title.text).toBe('Working on it');
    expect(JSON.stringify(answer.view.blocks)).toContain('taking longer than usual');
    await holding;

    const update = await until('modal update', () => s.fake.callsOf('views.update').find((c) => c.params.view_id === 'V0VIEW'));
    expect((update.params.view as View).title.text).toBe('Finished');
    await s.settle();
    const [step] = await s.deps.db.select().from(approvalSteps).where(eq(approvalSteps.id, compliance.id));
    expect(step?.status).toBe('rejected');
    expect(step?.reason).toBe('No DPA *yet*');
    const [sys] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, seeded.system.id));
    expect(sys?.status).toBe('rejected');
    const decided = await s.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, seeded.workspaceId), eq(auditEvents.action, 'step.rejected'), eq(auditEvents.subjectId, String(compliance.id))));
    expect(decided).toHaveLength(1);
  });
});
